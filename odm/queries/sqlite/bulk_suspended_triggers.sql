-- The row triggers a bulk load suspends (and restores) because it recomputes what they keep:
-- the per-well totals and the monthly aggregates (see rebuild_well_months.sql).
SELECT name, sql
FROM sqlite_master
WHERE type = 'trigger'
  AND (tbl_name IN ('odm_daily_production', 'odm_well_budget', 'odm_well_month')
       OR name = 'odm_agg_well_division')
ORDER BY name

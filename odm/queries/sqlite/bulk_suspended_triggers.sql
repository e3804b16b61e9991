-- The row triggers a bulk load suspends (and restores) because it recomputes the totals.
SELECT name, sql
FROM sqlite_master
WHERE type = 'trigger'
  AND tbl_name IN ('odm_daily_production', 'odm_well_budget')
ORDER BY name

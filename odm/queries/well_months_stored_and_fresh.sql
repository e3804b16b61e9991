-- Each well-month's aggregate as stored (side 'stored') and as its daily rows sum now
-- ('fresh'), in one statement (one snapshot), by well, month and side (`odm check`).
SELECT 'stored' AS side,
       m.well_id,
       {stored_period} AS period,
       m.record_days, m.measured_days, m.producing_days,
       m.hours_on, m.oil, m.gas, m.water, m.water_injected, m.oil_sold, m.sales_value
FROM odm_well_month m
UNION ALL
SELECT 'fresh',
       p.well_id,
       {fresh_period},
       COUNT(*), COUNT(p.hours_on), COUNT(CASE WHEN p.hours_on > 0 THEN 1 END),
       COALESCE(SUM(p.hours_on), 0), COALESCE(SUM(p.oil), 0), COALESCE(SUM(p.gas), 0),
       COALESCE(SUM(p.water), 0), COALESCE(SUM(p.water_injected), 0),
       COALESCE(SUM(p.oil_sold), 0), COALESCE(SUM(p.sales_value), 0)
FROM odm_daily_production p
GROUP BY p.well_id, {fresh_period}
ORDER BY 2, 3, 1

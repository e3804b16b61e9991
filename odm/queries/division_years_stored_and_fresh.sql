-- Each division-year's aggregate as stored and as its wells' daily rows sum now, in one
-- statement, by division, year and side (`odm check`).
SELECT 'stored' AS side,
       dy.division_id,
       {stored_period} AS period,
       dy.well_count, dy.record_days, dy.measured_days, dy.producing_days,
       dy.hours_on, dy.oil, dy.gas, dy.water, dy.water_injected, dy.oil_sold, dy.sales_value
FROM odm_division_year dy
UNION ALL
SELECT 'fresh',
       w.division_id,
       {fresh_period},
       COUNT(DISTINCT p.well_id), COUNT(*), COUNT(p.hours_on),
       COUNT(CASE WHEN p.hours_on > 0 THEN 1 END),
       COALESCE(SUM(p.hours_on), 0), COALESCE(SUM(p.oil), 0), COALESCE(SUM(p.gas), 0),
       COALESCE(SUM(p.water), 0), COALESCE(SUM(p.water_injected), 0),
       COALESCE(SUM(p.oil_sold), 0), COALESCE(SUM(p.sales_value), 0)
FROM odm_daily_production p
JOIN odm_well w ON w.well_id = p.well_id
GROUP BY w.division_id, {fresh_period}
ORDER BY 2, 3, 1

-- Each division-month's aggregate as stored and as its wells' daily rows sum now, in one
-- statement, by division, month and side (`odm check`).
SELECT 'stored' AS side,
       dm.division_id,
       {stored_period} AS period,
       dm.well_count, dm.record_days, dm.measured_days, dm.producing_days,
       dm.hours_on, dm.oil, dm.gas, dm.water, dm.water_injected, dm.oil_sold, dm.sales_value
FROM odm_division_month dm
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

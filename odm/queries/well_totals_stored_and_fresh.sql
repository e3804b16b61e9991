-- Each well's life-to-date totals as stored and as its daily and budget rows sum now, in one
-- statement, by well and side (`odm check`).
SELECT 'stored' AS side,
       t.well_id,
       t.day_count, t.hours_on, t.oil, t.gas, t.water, t.water_injected, t.oil_sold,
       t.sales_value, t.budget, t.actual
FROM odm_well_totals t
UNION ALL
SELECT 'fresh',
       w.well_id,
       COALESCE(d.day_count, 0), COALESCE(d.hours_on, 0), COALESCE(d.oil, 0),
       COALESCE(d.gas, 0), COALESCE(d.water, 0), COALESCE(d.water_injected, 0),
       COALESCE(d.oil_sold, 0), COALESCE(d.sales_value, 0), COALESCE(b.budget, 0),
       COALESCE(b.actual, 0)
FROM odm_well w
LEFT JOIN (
    SELECT well_id, COUNT(*) AS day_count, SUM(hours_on) AS hours_on, SUM(oil) AS oil,
           SUM(gas) AS gas, SUM(water) AS water, SUM(water_injected) AS water_injected,
           SUM(oil_sold) AS oil_sold, SUM(sales_value) AS sales_value
    FROM odm_daily_production
    GROUP BY well_id
) d ON d.well_id = w.well_id
LEFT JOIN (
    SELECT well_id, SUM(budget) AS budget, SUM(actual) AS actual
    FROM odm_well_budget
    GROUP BY well_id
) b ON b.well_id = w.well_id
ORDER BY 2, 1

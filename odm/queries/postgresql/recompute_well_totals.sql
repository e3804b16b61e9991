-- Rebuild every well's life-to-date totals from its daily and budget rows (fresh sums, free of
-- the running sums' drift). Writes of those rows wait until the transaction ends.
LOCK TABLE odm_daily_production, odm_well_budget IN SHARE MODE;

UPDATE odm_well_totals AS t
SET day_count = COALESCE(d.day_count, 0),
    hours_on = COALESCE(d.hours_on, 0),
    oil = COALESCE(d.oil, 0),
    gas = COALESCE(d.gas, 0),
    water = COALESCE(d.water, 0),
    water_injected = COALESCE(d.water_injected, 0),
    oil_sold = COALESCE(d.oil_sold, 0),
    sales_value = COALESCE(d.sales_value, 0),
    budget = COALESCE(b.budget, 0),
    actual = COALESCE(b.actual, 0)
FROM odm_well_totals AS w
LEFT JOIN (
    SELECT well_id,
           COUNT(*) AS day_count,
           SUM(hours_on) AS hours_on,
           SUM(oil) AS oil,
           SUM(gas) AS gas,
           SUM(water) AS water,
           SUM(water_injected) AS water_injected,
           SUM(oil_sold) AS oil_sold,
           SUM(sales_value) AS sales_value
    FROM odm_daily_production
    GROUP BY well_id
) AS d ON d.well_id = w.well_id
LEFT JOIN (
    SELECT well_id, SUM(budget) AS budget, SUM(actual) AS actual
    FROM odm_well_budget
    GROUP BY well_id
) AS b ON b.well_id = w.well_id
WHERE t.well_id = w.well_id;

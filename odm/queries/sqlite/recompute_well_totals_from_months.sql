-- Rebuild every well's life-to-date totals after a bulk load from its well-months (just
-- rebuilt from the daily rows: a few rows a well instead of every day) and budget rows.
UPDATE odm_well_totals
SET day_count = 0, hours_on = 0, oil = 0, gas = 0, water = 0, water_injected = 0,
    oil_sold = 0, sales_value = 0, budget = 0, actual = 0;

UPDATE odm_well_totals AS t
SET day_count = m.day_count, hours_on = m.hours_on, oil = m.oil, gas = m.gas,
    water = m.water, water_injected = m.water_injected, oil_sold = m.oil_sold,
    sales_value = m.sales_value
FROM (
    SELECT well_id,
           SUM(record_days) AS day_count,
           TOTAL(hours_on) AS hours_on,
           TOTAL(oil) AS oil,
           TOTAL(gas) AS gas,
           TOTAL(water) AS water,
           TOTAL(water_injected) AS water_injected,
           TOTAL(oil_sold) AS oil_sold,
           TOTAL(sales_value) AS sales_value
    FROM odm_well_month
    GROUP BY well_id
) AS m
WHERE t.well_id = m.well_id;

UPDATE odm_well_totals AS t
SET budget = b.budget, actual = b.actual
FROM (
    SELECT well_id, TOTAL(budget) AS budget, TOTAL(actual) AS actual
    FROM odm_well_budget
    GROUP BY well_id
) AS b
WHERE t.well_id = b.well_id;

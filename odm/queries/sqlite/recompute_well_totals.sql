-- Rebuild every well's life-to-date totals from its daily and budget rows.
UPDATE odm_well_totals
SET day_count = 0, hours_on = 0, oil = 0, gas = 0, water = 0, water_injected = 0,
    oil_sold = 0, sales_value = 0, budget = 0, actual = 0;

UPDATE odm_well_totals AS t
SET day_count = d.day_count, hours_on = d.hours_on, oil = d.oil, gas = d.gas,
    water = d.water, water_injected = d.water_injected, oil_sold = d.oil_sold,
    sales_value = d.sales_value
FROM (
    SELECT well_id,
           COUNT(*) AS day_count,
           TOTAL(hours_on) AS hours_on,
           TOTAL(oil) AS oil,
           TOTAL(gas) AS gas,
           TOTAL(water) AS water,
           TOTAL(water_injected) AS water_injected,
           TOTAL(oil_sold) AS oil_sold,
           TOTAL(sales_value) AS sales_value
    FROM odm_daily_production
    GROUP BY well_id
) AS d
WHERE t.well_id = d.well_id;

UPDATE odm_well_totals AS t
SET budget = b.budget, actual = b.actual
FROM (
    SELECT well_id, TOTAL(budget) AS budget, TOTAL(actual) AS actual
    FROM odm_well_budget
    GROUP BY well_id
) AS b
WHERE t.well_id = b.well_id;

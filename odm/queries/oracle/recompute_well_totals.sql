-- Rebuild every well's life-to-date totals from its daily and budget rows (fresh sums, free of
-- the running sums' drift), in one statement. The backend runs it in a serializable
-- transaction (see OracleDatabase.recompute_totals).
MERGE INTO odm_well_totals t
USING (
    SELECT w.well_id,
           NVL(d.day_count, 0) AS day_count,
           NVL(d.hours_on, 0) AS hours_on,
           NVL(d.oil, 0) AS oil,
           NVL(d.gas, 0) AS gas,
           NVL(d.water, 0) AS water,
           NVL(d.water_injected, 0) AS water_injected,
           NVL(d.oil_sold, 0) AS oil_sold,
           NVL(d.sales_value, 0) AS sales_value,
           NVL(b.budget, 0) AS budget,
           NVL(b.actual, 0) AS actual
    FROM odm_well_totals w
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
    ) d ON d.well_id = w.well_id
    LEFT JOIN (
        SELECT well_id, SUM(budget) AS budget, SUM(actual) AS actual
        FROM odm_well_budget
        GROUP BY well_id
    ) b ON b.well_id = w.well_id
) s
ON (t.well_id = s.well_id)
WHEN MATCHED THEN UPDATE SET
    t.day_count = s.day_count,
    t.hours_on = s.hours_on,
    t.oil = s.oil,
    t.gas = s.gas,
    t.water = s.water,
    t.water_injected = s.water_injected,
    t.oil_sold = s.oil_sold,
    t.sales_value = s.sales_value,
    t.budget = s.budget,
    t.actual = s.actual

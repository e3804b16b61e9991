-- Life-to-date, year-to-date and month-to-date volumes up to a day, per well, division or
-- the company (/v1/production/cumulative), read like rollup.sql reads them: whole years and
-- months from the aggregates, daily rows only for the days of a month `as_of` cuts through;
-- `first_day` is the first day a part's row covers.
SELECT r.*
FROM (
    SELECT {entity} AS entity_id,
           {entity_name} AS entity_name,
           COALESCE(SUM(s.oil), 0.0) AS ltd_oil,
           COALESCE(SUM(s.gas), 0.0) AS ltd_gas,
           COALESCE(SUM(s.water), 0.0) AS ltd_water,
           COALESCE(SUM(CASE WHEN s.first_day >= :year_start THEN s.oil END), 0.0) AS ytd_oil,
           COALESCE(SUM(CASE WHEN s.first_day >= :year_start THEN s.gas END), 0.0) AS ytd_gas,
           COALESCE(SUM(CASE WHEN s.first_day >= :year_start THEN s.water END), 0.0)
               AS ytd_water,
           COALESCE(SUM(CASE WHEN s.first_day >= :month_start THEN s.oil END), 0.0)
               AS mtd_oil,
           COALESCE(SUM(CASE WHEN s.first_day >= :month_start THEN s.gas END), 0.0)
               AS mtd_gas,
           COALESCE(SUM(CASE WHEN s.first_day >= :month_start THEN s.water END), 0.0)
               AS mtd_water
    FROM (
        SELECT y.division_id,
               CAST(NULL AS INTEGER) AS well_id,
               CAST(NULL AS VARCHAR(200)) AS well_name,
               y.year_start AS first_day,
               y.well_count AS wells,
               y.record_days, y.measured_days, y.producing_days,
               y.hours_on, y.oil, y.gas, y.water, y.water_injected
        FROM odm_division_year y
        WHERE {division_years}
        UNION ALL
        SELECT dm.division_id, NULL, NULL, dm.month, dm.well_count,
               dm.record_days, dm.measured_days, dm.producing_days,
               dm.hours_on, dm.oil, dm.gas, dm.water, dm.water_injected
        FROM odm_division_month dm
        WHERE {division_months}
        UNION ALL
        SELECT w.division_id, m.well_id, w.well_name, m.month, NULL,
               m.record_days, m.measured_days, m.producing_days,
               m.hours_on, m.oil, m.gas, m.water, m.water_injected
        FROM odm_well_month m
        JOIN odm_well w ON w.well_id = m.well_id
        WHERE {well_months}
        UNION ALL
        SELECT w.division_id, p.well_id, w.well_name, p.production_date, NULL,
               1,
               CASE WHEN p.hours_on IS NOT NULL THEN 1 ELSE 0 END,
               CASE WHEN p.hours_on > 0 THEN 1 ELSE 0 END,
               p.hours_on, p.oil, p.gas, p.water, p.water_injected
        FROM odm_well w
        CROSS JOIN odm_daily_production p
        WHERE p.well_id = w.well_id AND {first_cut_days}
        UNION ALL
        SELECT w.division_id, p.well_id, w.well_name, p.production_date, NULL,
               1,
               CASE WHEN p.hours_on IS NOT NULL THEN 1 ELSE 0 END,
               CASE WHEN p.hours_on > 0 THEN 1 ELSE 0 END,
               p.hours_on, p.oil, p.gas, p.water, p.water_injected
        FROM odm_well w
        CROSS JOIN odm_daily_production p
        WHERE p.well_id = w.well_id AND {last_cut_days}
    ) s
    JOIN odm_division d ON d.division_id = s.division_id
    {group_by}
) r
WHERE {where}
ORDER BY {order}

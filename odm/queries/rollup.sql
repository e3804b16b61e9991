-- Sums of daily rows per period (month or year) and per well, division or the company
-- (/v1/production/rollup), read from the aggregates the triggers keep: whole years and months
-- of a division (odm_division_year, odm_division_month), whole months of a well
-- (odm_well_month), and daily rows only for the days of the (first and last) months that
-- start or end cut through: well by well (CROSS JOIN keeps SQLite's loop over the wells
-- outside, so each well's days are one range of the primary key). Each part's conditions
-- pick its periods, or none (1 = 0), so that a period is read from one kind of part: division
-- rows count their wells (`wells`), single wells' rows name them (`well_id`) and are counted
-- once each. The period, entity and entity name are fixed expressions; `first_day` is the
-- first day a part's row covers.
SELECT r.*
FROM (
    SELECT {period} AS period,
           {entity} AS entity_id,
           {entity_name} AS entity_name,
           COALESCE(SUM(s.wells), 0) + COUNT(DISTINCT s.well_id) AS well_count,
           COALESCE(SUM(s.record_days), 0) AS record_days,
           COALESCE(SUM(s.measured_days), 0) AS measured_days,
           COALESCE(SUM(s.producing_days), 0) AS producing_days,
           COALESCE(SUM(s.hours_on), 0.0) AS hours_on,
           COALESCE(SUM(s.oil), 0.0) AS oil,
           COALESCE(SUM(s.gas), 0.0) AS gas,
           COALESCE(SUM(s.water), 0.0) AS water,
           COALESCE(SUM(s.water_injected), 0.0) AS water_injected
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
    GROUP BY {group}
) r
WHERE {where}
ORDER BY {order}

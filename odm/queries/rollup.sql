-- Sums of daily rows per period (month or year) and per well, division or the company
-- (/v1/production/rollup). {period}, {entity} and {entity_name} are fixed expressions.
SELECT r.*
FROM (
    SELECT {period} AS period,
           {entity} AS entity_id,
           {entity_name} AS entity_name,
           COUNT(DISTINCT p.well_id) AS well_count,
           COUNT(*) AS record_days,
           COUNT(p.hours_on) AS measured_days,
           SUM(CASE WHEN p.hours_on > 0 THEN 1 ELSE 0 END) AS producing_days,
           COALESCE(SUM(p.hours_on), 0.0) AS hours_on,
           COALESCE(SUM(p.oil), 0.0) AS oil,
           COALESCE(SUM(p.gas), 0.0) AS gas,
           COALESCE(SUM(p.water), 0.0) AS water,
           COALESCE(SUM(p.water_injected), 0.0) AS water_injected
    FROM odm_daily_production p
    JOIN odm_well w ON w.well_id = p.well_id
    JOIN odm_division d ON d.division_id = w.division_id
    WHERE {filters}
    GROUP BY {group}
) r
WHERE {where}
ORDER BY {order}

-- Divisions with their well counts by status (/v1/divisions).
SELECT d.division_id,
       d.division_name,
       COUNT(w.well_id) AS well_count,
       COALESCE(SUM(CASE WHEN w.status = 'producing' THEN 1 ELSE 0 END), 0) AS producing_wells,
       COALESCE(SUM(CASE WHEN w.status = 'shut_in' THEN 1 ELSE 0 END), 0) AS shut_in_wells,
       COALESCE(SUM(CASE WHEN w.well_type = 'injector' THEN 1 ELSE 0 END), 0) AS injectors,
       d.retired_on
FROM odm_division d
LEFT JOIN odm_well w ON w.division_id = d.division_id
WHERE {where}
GROUP BY d.division_id, d.division_name, d.retired_on
ORDER BY {order}

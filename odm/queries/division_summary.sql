-- Per division: well count and life-to-date oil, budget, actual spend and oil sales
-- (the seed's /division-summary), from the trigger-maintained per-well totals.
SELECT d.division_id,
       d.division_name,
       COUNT(w.well_id) AS well_count,
       COALESCE(SUM(t.oil), 0.0) AS total_oil_produced,
       COALESCE(SUM(t.budget), 0.0) AS total_budget,
       COALESCE(SUM(t.actual), 0.0) AS total_actual,
       COALESCE(SUM(t.sales_value), 0.0) AS total_oil_sales
FROM odm_division d
LEFT JOIN odm_well w ON w.division_id = d.division_id
LEFT JOIN odm_well_totals t ON t.well_id = w.well_id
WHERE {scope}
GROUP BY d.division_id, d.division_name
ORDER BY d.division_id

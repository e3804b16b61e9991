-- One well's life-to-date oil, budget, actual spend and oil sales (the seed's /well-summary).
SELECT w.well_id,
       w.well_name,
       d.division_id,
       d.division_name,
       t.oil AS total_oil_produced,
       t.budget AS total_budget,
       t.actual AS total_actual,
       t.sales_value AS total_oil_sales
FROM odm_well w
JOIN odm_division d ON d.division_id = w.division_id
JOIN odm_well_totals t ON t.well_id = w.well_id
WHERE w.well_id = :well_id
  AND w.division_id = :division_id
  AND {scope}

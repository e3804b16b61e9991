-- One well's production days with the day's oil price and oil sales
-- (the seed's /well-summary-by-day). A day without recorded oil counts as 0.
SELECT w.well_id,
       w.well_name,
       d.division_id,
       d.division_name,
       p.production_date AS date_value,
       COALESCE(p.oil, 0.0) AS oil_produced,
       pr.price AS oil_price,
       COALESCE(p.sales_value, 0.0) AS oil_sales
FROM odm_daily_production p
JOIN odm_well w ON w.well_id = p.well_id
JOIN odm_division d ON d.division_id = w.division_id
LEFT JOIN odm_oil_price pr ON pr.price_date = p.production_date
WHERE p.well_id = :well_id
  AND w.division_id = :division_id
  AND {scope}
ORDER BY p.production_date

-- The objects the published design names, as plain views over the tables and the
-- trigger-maintained totals: never stale, nothing to refresh. The two summaries keep the
-- design's "_MV" names so that existing scripts and grants still find them.
-- Totals are rounded as the API rounds them: volumes to 0.001 bbl, money to 0.01 USD.

CREATE OR REPLACE VIEW Get_Well_Summary_By_Day_VW AS
SELECT w.well_id,
       w.well_name,
       d.division_id,
       d.division_name,
       p.production_date AS date_value,
       COALESCE(p.oil, 0) AS oil_produced,
       pr.price AS oil_price,
       COALESCE(p.sales_value, 0) AS oil_sales
FROM odm_daily_production p
JOIN odm_well w ON w.well_id = p.well_id
JOIN odm_division d ON d.division_id = w.division_id
LEFT JOIN odm_oil_price pr ON pr.price_date = p.production_date;

CREATE OR REPLACE VIEW Get_Well_Summary_Data_MV AS
SELECT w.well_id,
       w.well_name,
       d.division_id,
       d.division_name,
       ROUND(t.oil, 3) AS total_oil_produced,
       ROUND(t.budget, 2) AS total_budget,
       ROUND(t.actual, 2) AS total_actual,
       ROUND(t.sales_value, 2) AS total_oil_sales
FROM odm_well w
JOIN odm_division d ON d.division_id = w.division_id
JOIN odm_well_totals t ON t.well_id = w.well_id;

CREATE OR REPLACE VIEW Get_Division_Summary_Data_MV AS
SELECT d.division_id,
       d.division_name,
       COUNT(w.well_id) AS well_count,
       ROUND(COALESCE(SUM(t.oil), 0), 3) AS total_oil_produced,
       ROUND(COALESCE(SUM(t.budget), 0), 2) AS total_budget,
       ROUND(COALESCE(SUM(t.actual), 0), 2) AS total_actual,
       ROUND(COALESCE(SUM(t.sales_value), 0), 2) AS total_oil_sales
FROM odm_division d
LEFT JOIN odm_well w ON w.division_id = d.division_id
LEFT JOIN odm_well_totals t ON t.well_id = w.well_id
GROUP BY d.division_id, d.division_name;

-- Sum the divisions' months, years and budgets again from the well-months and budget rows
-- (a few rows a well), after a bulk load.
DELETE FROM odm_division_budget_month;
DELETE FROM odm_division_year;
DELETE FROM odm_division_month;

INSERT INTO odm_division_month
SELECT w.division_id, m.month, COUNT(*),
       SUM(m.record_days), SUM(m.measured_days), SUM(m.producing_days),
       TOTAL(m.hours_on), TOTAL(m.oil), TOTAL(m.gas), TOTAL(m.water), TOTAL(m.water_injected),
       TOTAL(m.oil_sold), TOTAL(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY w.division_id, m.month;

INSERT INTO odm_division_year
SELECT w.division_id, substr(m.month, 1, 5) || '01-01', COUNT(DISTINCT m.well_id),
       SUM(m.record_days), SUM(m.measured_days), SUM(m.producing_days),
       TOTAL(m.hours_on), TOTAL(m.oil), TOTAL(m.gas), TOTAL(m.water), TOTAL(m.water_injected),
       TOTAL(m.oil_sold), TOTAL(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY w.division_id, substr(m.month, 1, 5);

INSERT INTO odm_division_budget_month
SELECT w.division_id, b.month, COUNT(*), TOTAL(b.budget), TOTAL(b.actual)
FROM odm_well_budget b
JOIN odm_well w ON w.well_id = b.well_id
GROUP BY w.division_id, b.month;

-- Fill the emptied monthly aggregates from the daily and budget rows, after a bulk load
-- (the same statements as schema version 4, which fills them from the rows before it).
INSERT INTO odm_well_month
SELECT well_id,
       substr(production_date, 1, 8) || '01',
       COUNT(*),
       COUNT(hours_on),
       COUNT(CASE WHEN hours_on > 0 THEN 1 END),
       TOTAL(hours_on), TOTAL(oil), TOTAL(gas), TOTAL(water), TOTAL(water_injected),
       TOTAL(oil_sold), TOTAL(sales_value)
FROM odm_daily_production
GROUP BY well_id, substr(production_date, 1, 8);

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

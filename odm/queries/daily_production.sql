-- Daily rows by well and date, for any set of wells and dates (/v1/production/daily).
SELECT p.well_id,
       p.production_date,
       p.hours_on,
       p.oil,
       p.gas,
       p.water,
       p.water_injected
FROM odm_daily_production p
WHERE {filters}
ORDER BY p.well_id, p.production_date

-- Daily rows for any set of wells and dates (/v1/production/daily).
SELECT p.well_id,
       p.production_date,
       p.hours_on,
       p.oil,
       p.gas,
       p.water,
       p.water_injected,
       p.oil_sold,
       p.sales_value
FROM odm_daily_production p
WHERE {where}
ORDER BY {order}

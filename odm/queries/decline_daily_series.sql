-- Daily hours on and oil (or gas) of the wells a decline request fits, by well and day:
-- one ordered scan of the primary key, grouped into one well's history at a time.
-- {volume} is p.oil or p.gas.
SELECT p.well_id,
       p.production_date,
       p.hours_on,
       {volume}
FROM odm_daily_production p
WHERE {where}
ORDER BY p.well_id, p.production_date

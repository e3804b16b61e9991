-- As-reported monthly producing days, oil and gas of the entities a decline request fits
-- (/v1/monthly/decline), by entity and month.
SELECT m.entity_type,
       m.entity_key,
       m.entity_name,
       m.division_id,
       m.month,
       m.days_on,
       m.oil,
       m.gas
FROM odm_monthly_production m
WHERE {where}
ORDER BY m.entity_type, m.entity_key, m.month

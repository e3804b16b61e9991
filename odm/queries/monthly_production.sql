-- Monthly production at the grain it was reported: per well, completion, lease or field
-- (/v1/production/monthly). Never spread into daily rows.
SELECT m.entity_type,
       m.entity_key,
       m.entity_name,
       m.division_id,
       m.well_id,
       m.month,
       m.days_on,
       m.oil,
       m.condensate,
       m.ngl,
       m.gas,
       m.associated_gas,
       m.water,
       m.water_injected,
       m.source
FROM odm_monthly_production m
WHERE {where}
ORDER BY {order}

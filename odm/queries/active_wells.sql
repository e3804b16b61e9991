-- How many wells of a division are not retired (a division with some cannot be retired).
SELECT COUNT(*) AS active_wells
FROM odm_well w
WHERE w.division_id = :division_id
  AND w.retired_on IS NULL

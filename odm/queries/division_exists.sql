SELECT d.division_id
FROM odm_division d
WHERE d.division_id = :division_id

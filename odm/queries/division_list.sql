-- Divisions that have a name, by id (the seed's /division-list).
SELECT d.division_id, d.division_name
FROM odm_division d
WHERE d.division_name IS NOT NULL
  AND {scope}
ORDER BY d.division_id

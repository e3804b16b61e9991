-- The division a well belongs to (for 404 answers that say what is wrong).
SELECT w.well_id, w.division_id
FROM odm_well w
WHERE w.well_id = :well_id

-- The id a new well gets when none is given: one past the largest.
SELECT COALESCE(MAX(w.well_id), 0) + 1 AS next_id
FROM odm_well w

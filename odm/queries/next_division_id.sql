-- The id a new division gets when none is given: one past the largest.
SELECT COALESCE(MAX(d.division_id), 0) + 1 AS next_id
FROM odm_division d

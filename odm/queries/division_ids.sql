-- Every division's id (which divisions a write's rows may name).
SELECT d.division_id
FROM odm_division d

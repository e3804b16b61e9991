-- A new division (POST /v1/divisions).
INSERT INTO odm_division (division_id, division_name)
VALUES (:division_id, :division_name)

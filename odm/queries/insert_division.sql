-- A new division (POST /v1/divisions, or the division an import's rows belong to).
INSERT INTO odm_division (division_id, division_name)
VALUES (:division_id, :division_name)

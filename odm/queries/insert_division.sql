-- A division an import's rows (or the wells it creates) belong to, created with its name.
INSERT INTO odm_division (division_id, division_name)
VALUES (:division_id, :division_name)

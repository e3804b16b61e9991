-- A well created by an import for rows naming it by identifiers no well had; its type and
-- status take their defaults (producer, producing).
INSERT INTO odm_well (well_id, well_name, division_id, uwi, api_number, source_key)
VALUES (:well_id, :well_name, :division_id, :uwi, :api_number, :source_key)

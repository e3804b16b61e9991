-- A new well (POST /v1/wells, or a well an import names and creates); its totals row is
-- created by a trigger.
INSERT INTO odm_well (well_id, well_name, division_id, well_type, status,
                      first_production_date, api_number, uwi, source_key)
VALUES (:well_id, :well_name, :division_id, :well_type, :status,
        :first_production_date, :api_number, :uwi, :source_key)

-- Every well's id, division and identifiers (each unique where set), for naming wells in a
-- write or an import by any of them.
SELECT w.well_id,
       w.division_id,
       w.well_name,
       w.uwi,
       w.api_number,
       w.source_key
FROM odm_well w

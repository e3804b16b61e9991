-- Which of a well's identifiers another well already has (each is unique where set).
SELECT w.well_name, w.uwi, w.api_number, w.source_key
FROM odm_well w
WHERE w.well_id <> :well_id
  AND (w.well_name = :well_name
       OR w.uwi = :uwi
       OR w.api_number = :api_number
       OR w.source_key = :source_key)

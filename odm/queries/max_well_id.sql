-- The largest well id (NULL when there is no well): new wells are numbered after it.
SELECT MAX(w.well_id) AS max_well_id
FROM odm_well w

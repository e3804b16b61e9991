-- The number that moves whenever a well is added, changed or removed (schema version 9):
-- the wells' identifiers a process keeps are current while it has not moved.
SELECT v.version
FROM odm_well_version v
WHERE v.version_id = 1

-- Whether the database has the monthly aggregates (schema version 6 or later).
SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'odm_well_month'

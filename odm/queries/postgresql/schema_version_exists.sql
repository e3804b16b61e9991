SELECT 1 WHERE to_regclass('odm_schema_version') IS NOT NULL

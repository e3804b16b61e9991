-- Whether ODM's version table exists in the schema the session works in (its owner's, when
-- ODM_ORACLE_SCHEMA names one): all_tables lists it for any account granted access to it.
SELECT 1
FROM all_tables
WHERE owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')
  AND table_name = 'ODM_SCHEMA_VERSION'

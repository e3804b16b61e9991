-- The DATE columns of one of ODM's tables (written rows carry dates as ISO text or dates),
-- in the schema the session works in (its owner's, when ODM_ORACLE_SCHEMA names one).
SELECT column_name
FROM all_tab_columns
WHERE owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')
  AND table_name = UPPER(:table_name)
  AND data_type = 'DATE'

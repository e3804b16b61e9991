-- The DATE columns of one of ODM's tables (written rows carry dates as ISO text or dates).
SELECT column_name
FROM user_tab_columns
WHERE table_name = UPPER(:table_name)
  AND data_type = 'DATE'

-- The years that have a partition of daily production, or NULL before schema version 8
-- (the table is not partitioned yet).
SELECT CASE
           WHEN to_regprocedure('odm_daily_partition_make(integer)') IS NOT NULL THEN
               array(SELECT substring(c.relname FROM '_(\d{4})$')::integer
                     FROM pg_inherits i
                     JOIN pg_class c ON c.oid = i.inhrelid
                     WHERE i.inhparent = 'odm_daily_production'::regclass
                       AND c.relname ~ '_\d{4}$')
       END AS years

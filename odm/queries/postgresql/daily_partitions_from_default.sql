-- After a bulk load: the yearly partitions of daily production for the rows that went to the
-- default partition, in the load's transaction (schema version 8; nothing before it).
DO $$
BEGIN
    IF to_regprocedure('odm_daily_partitions_from_default()') IS NOT NULL THEN
        PERFORM odm_daily_partitions_from_default();
    END IF;
END $$

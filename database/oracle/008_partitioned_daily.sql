-- ODM schema version 8 (Oracle): daily production partitioned by year, where the database
-- has the Partitioning option (Enterprise Edition with the option, Autonomous Database,
-- Oracle Database Free and XE include it).
--
-- The equivalent of PostgreSQL's version 8 is interval partitioning: Oracle itself makes a
-- year's partition when the first row of that year arrives, so no function is called by the
-- write path and no default partition is needed (a row of any year finds or makes its own).
-- The table is converted in place and online (Oracle 12.2 and later: ALTER TABLE ... MODIFY
-- PARTITION BY ... ONLINE), keeping its rows, constraints, grants and triggers (the compound
-- triggers of versions 1 and 6 that keep the totals and the monthly aggregates). UPDATE
-- INDEXES keeps every index usable during and after the move; by Oracle's rules for the
-- conversion the primary key index, which does not begin with the partitioning column,
-- stays one global index (PostgreSQL's is one per year).
--
-- Without the Partitioning option (ORA-00439) the table stays as it is and ODM works the
-- same: partitioning changes how rows are stored, never what a query answers. A table that
-- is already partitioned (this version run again) is left alone. To check:
--   SELECT partition_name, high_value FROM user_tab_partitions
--   WHERE table_name = 'ODM_DAILY_PRODUCTION' ORDER BY partition_position;

DECLARE
    l_partitioned NUMBER;
    no_partitioning EXCEPTION;
    PRAGMA EXCEPTION_INIT(no_partitioning, -439);
BEGIN
    SELECT COUNT(*) INTO l_partitioned
    FROM user_part_tables
    WHERE table_name = 'ODM_DAILY_PRODUCTION';
    IF l_partitioned = 0 THEN
        EXECUTE IMMEDIATE
            'ALTER TABLE odm_daily_production MODIFY '
            || 'PARTITION BY RANGE (production_date) '
            || 'INTERVAL (NUMTOYMINTERVAL(1, ''YEAR'')) '
            || '(PARTITION odm_daily_before_1990 VALUES LESS THAN (DATE ''1990-01-01'')) '
            || 'ONLINE UPDATE INDEXES';
    END IF;
EXCEPTION
    WHEN no_partitioning THEN NULL;
END;
/

@@grants.sql

-- Removes every ODM object from the current schema: the package, the views, the tables (with
-- their triggers, indexes and constraints) and their data. Irreversible. `odm init-db`
-- installs everything again. Run with SQL*Plus or SQLcl: @uninstall.sql
-- Each DROP ignores "does not exist", so the script also cleans up a partial install.

BEGIN
    FOR o IN (
        SELECT 'PACKAGE' AS object_type, 'GET_ODM_DATA_PKG' AS object_name FROM dual
        UNION ALL SELECT 'VIEW', 'GET_WELL_SUMMARY_BY_DAY_VW' FROM dual
        UNION ALL SELECT 'VIEW', 'GET_WELL_SUMMARY_DATA_MV' FROM dual
        UNION ALL SELECT 'VIEW', 'GET_DIVISION_SUMMARY_DATA_MV' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_AUDIT' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_API_KEY' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_CHANGE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_CHANGE_COUNTER' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WRITE_REQUEST' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_INGEST_DAILY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_INGEST_MONTHLY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_INGEST_MONTHLY_PRICE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_INGEST_WELL_BUDGET' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_INGEST_OIL_PRICE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL_MONTH_CHANGES' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_DIVISION_BUDGET_MONTH' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_DIVISION_YEAR' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_DIVISION_MONTH' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL_MONTH' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_STAGE_MONTHLY_PRICE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_STAGE_MONTHLY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_STAGE_DAILY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_MONTHLY_PRICE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_MONTHLY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL_TOTALS' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL_BUDGET' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_OIL_PRICE' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_DAILY_PRODUCTION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL_VERSION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_WELL' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_DIVISION' FROM dual
        UNION ALL SELECT 'TABLE', 'ODM_SCHEMA_VERSION' FROM dual
    ) LOOP
        BEGIN
            IF o.object_type = 'TABLE' THEN
                EXECUTE IMMEDIATE 'DROP TABLE ' || o.object_name || ' CASCADE CONSTRAINTS PURGE';
            ELSE
                EXECUTE IMMEDIATE 'DROP ' || o.object_type || ' ' || o.object_name;
            END IF;
        EXCEPTION
            WHEN OTHERS THEN
                -- ORA-00942 table or view does not exist; ORA-04043 object does not exist.
                IF SQLCODE NOT IN (-942, -4043) THEN
                    RAISE;
                END IF;
        END;
    END LOOP;
END;
/

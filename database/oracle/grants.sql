-- Grants ODM's objects to the two roles of a deployment where the service and the loaders
-- connect as accounts other than the owner. The roles are named after the owner: ODM_READER
-- and ODM_WRITER when the owner is ODM. A DBA creates them (the owner cannot):
--
--   CREATE ROLE odm_reader;                          -- the service (ODM_ORACLE_SCHEMA=ODM)
--   CREATE ROLE odm_writer;                          -- odm demo, odm import, odm recompute-totals
--   GRANT CREATE SESSION, odm_reader TO odm_app;
--
-- reader: SELECT on every ODM table and view, EXECUTE on Get_ODM_Data_Pkg.
-- writer: SELECT on every table and view; INSERT, UPDATE, DELETE on every table but
--         odm_schema_version (which only `odm init-db`, as the owner, writes).
--
-- Run as the owner. Every numbered script ends with it, so `odm init-db` grants each new
-- object as it creates it; run it again by hand (@grants.sql) after creating the roles. A
-- role that does not exist is skipped. Granting twice changes nothing: safe to rerun.

DECLARE
    l_reader VARCHAR2(256) := USER || '_READER';
    l_writer VARCHAR2(256) := USER || '_WRITER';

    PROCEDURE grant_to(p_privileges VARCHAR2, p_object VARCHAR2, p_role VARCHAR2) IS
    BEGIN
        EXECUTE IMMEDIATE
            'GRANT ' || p_privileges || ' ON "' || p_object || '" TO "' || p_role || '"';
    EXCEPTION
        WHEN OTHERS THEN
            -- ORA-01917 user or role does not exist; ORA-01919 role does not exist.
            IF SQLCODE NOT IN (-1917, -1919) THEN
                RAISE;
            END IF;
    END grant_to;
BEGIN
    FOR t IN (
        SELECT table_name FROM user_tables WHERE table_name LIKE 'ODM\_%' ESCAPE '\'
    ) LOOP
        grant_to('SELECT', t.table_name, l_reader);
        IF t.table_name = 'ODM_SCHEMA_VERSION' THEN
            grant_to('SELECT', t.table_name, l_writer);
        ELSE
            grant_to('SELECT, INSERT, UPDATE, DELETE', t.table_name, l_writer);
        END IF;
    END LOOP;
    FOR v IN (
        SELECT view_name FROM user_views WHERE view_name LIKE 'GET\_%' ESCAPE '\'
    ) LOOP
        grant_to('SELECT', v.view_name, l_reader);
        grant_to('SELECT', v.view_name, l_writer);
    END LOOP;
    grant_to('EXECUTE', 'GET_ODM_DATA_PKG', l_reader);
END;
/

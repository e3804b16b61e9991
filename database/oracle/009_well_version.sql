-- Schema version 9: a number that moves whenever a well is added, changed or removed, by
-- any statement (ODM's own, an import, a hand-made edit). A server keeps the wells'
-- identifiers between writes and asks this one number to know that they are current,
-- instead of reading every well's identifiers for each write. One bump per statement.

CREATE TABLE odm_well_version (
    version_id  NUMBER(1) PRIMARY KEY CHECK (version_id = 1),
    version     NUMBER(19) NOT NULL
);

BEGIN
    INSERT INTO odm_well_version (version_id, version)
    SELECT 1, 0 FROM dual
    WHERE NOT EXISTS (SELECT 1 FROM odm_well_version);
    COMMIT;
END;
/

CREATE OR REPLACE TRIGGER odm_well_version_change
    AFTER INSERT OR UPDATE OR DELETE ON odm_well
BEGIN
    UPDATE odm_well_version SET version = version + 1 WHERE version_id = 1;
END;
/

@@grants.sql

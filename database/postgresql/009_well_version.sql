-- Schema version 9: a number that moves whenever a well is added, changed or removed, by
-- any statement (ODM's own, an import, a hand-made edit). A server keeps the wells'
-- identifiers between writes and asks this one number to know that they are current,
-- instead of reading every well's identifiers for each write. One bump per statement.

CREATE TABLE odm_well_version (
    version_id  integer PRIMARY KEY CHECK (version_id = 1),
    version     bigint NOT NULL
);

INSERT INTO odm_well_version (version_id, version) VALUES (1, 0);

CREATE FUNCTION odm_well_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE odm_well_version SET version = version + 1 WHERE version_id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_well_version_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON odm_well
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_version_bump();

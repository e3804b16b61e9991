-- Schema version 9: a number that moves whenever a well is added, changed or removed, by
-- any statement (ODM's own, an import, a hand-made edit). A server keeps the wells'
-- identifiers between writes and asks this one number to know that they are current,
-- instead of reading every well's identifiers for each write.

CREATE TABLE odm_well_version (
    version_id  INTEGER PRIMARY KEY CHECK (version_id = 1),
    version     INTEGER NOT NULL
) STRICT;

INSERT INTO odm_well_version (version_id, version) VALUES (1, 0);

CREATE TRIGGER odm_well_version_insert AFTER INSERT ON odm_well
BEGIN
    UPDATE odm_well_version SET version = version + 1 WHERE version_id = 1;
END;

CREATE TRIGGER odm_well_version_update AFTER UPDATE ON odm_well
BEGIN
    UPDATE odm_well_version SET version = version + 1 WHERE version_id = 1;
END;

CREATE TRIGGER odm_well_version_delete AFTER DELETE ON odm_well
BEGIN
    UPDATE odm_well_version SET version = version + 1 WHERE version_id = 1;
END;

-- ODM schema version 5 (Oracle): the change log. Every data change appends to it in its own
-- transaction: an id that is gapless and in commit order (taken from the one-row counter,
-- which the write transaction locks, SELECT ... FOR UPDATE, until it commits), so that a
-- reader resuming "after id N" can never skip a change that commits later with a smaller id.
-- Readers poll (see docs/oracle.md for what Advanced Queuing or Continuous Query
-- Notification would add).

CREATE TABLE odm_change (
    change_id    NUMBER(19) PRIMARY KEY,
    changed_at   TIMESTAMP NOT NULL,
    division_id  NUMBER(19),
    entity       VARCHAR2(32) NOT NULL,
    kind         VARCHAR2(16) NOT NULL,
    well_id      NUMBER(19),
    payload      CLOB NOT NULL
);

CREATE INDEX odm_change_time_idx ON odm_change (changed_at);

CREATE TABLE odm_change_counter (
    counter_id  NUMBER(1) PRIMARY KEY CHECK (counter_id = 1),
    last_id     NUMBER(19) NOT NULL
);

BEGIN
    INSERT INTO odm_change_counter (counter_id, last_id)
    SELECT 1, 0 FROM dual
    WHERE NOT EXISTS (SELECT 1 FROM odm_change_counter);
    COMMIT;
END;
/

@@grants.sql

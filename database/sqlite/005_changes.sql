-- ODM schema version 5 (SQLite): the change log. Every data change appends to it in its own
-- transaction: an id that is gapless and in commit order (taken from the one-row counter,
-- which the write transaction holds), so that a reader resuming "after id N" can never skip a
-- change that commits later with a smaller id. Small writes log each row with its new values;
-- large ones a summary per division.

CREATE TABLE odm_change (
    change_id    INTEGER PRIMARY KEY,   -- 1, 2, 3, ... in commit order, no gaps
    changed_at   TEXT NOT NULL,         -- UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ
    division_id  INTEGER,               -- the division it belongs to; NULL: company-wide
    entity       TEXT NOT NULL,         -- daily_production, well, division, oil_price, ...
    kind         TEXT NOT NULL,         -- insert, update, upsert, delete, create, retire, bulk
    well_id      INTEGER,
    payload      TEXT NOT NULL          -- JSON: the new values, or the summary of a bulk write
) STRICT;

CREATE INDEX odm_change_time_idx ON odm_change (changed_at);

CREATE TABLE odm_change_counter (
    counter_id  INTEGER PRIMARY KEY CHECK (counter_id = 1),
    last_id     INTEGER NOT NULL
) STRICT;

INSERT INTO odm_change_counter (counter_id, last_id) VALUES (1, 0);

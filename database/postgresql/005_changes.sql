-- ODM schema version 5 (PostgreSQL): the change log. Every data change appends to it in its
-- own transaction: an id that is gapless and in commit order (taken from the one-row counter,
-- which the write transaction locks until it commits), so that a reader resuming "after id
-- N" can never skip a change that commits later with a smaller id, as sequence ids can.
-- Writers NOTIFY odm_changes at commit: LISTEN only wakes readers; the table is the truth.

CREATE TABLE odm_change (
    change_id    bigint PRIMARY KEY,    -- 1, 2, 3, ... in commit order, no gaps
    changed_at   timestamptz NOT NULL,
    division_id  bigint,                -- the division it belongs to; NULL: company-wide
    entity       text NOT NULL,         -- daily_production, well, division, oil_price, ...
    kind         text NOT NULL,         -- insert, update, upsert, delete, create, retire, bulk
    well_id      bigint,
    payload      text NOT NULL          -- JSON: the new values, or the summary of a bulk write
);

CREATE INDEX odm_change_time_idx ON odm_change (changed_at);

CREATE TABLE odm_change_counter (
    counter_id  integer PRIMARY KEY CHECK (counter_id = 1),
    last_id     bigint NOT NULL
);

INSERT INTO odm_change_counter (counter_id, last_id) VALUES (1, 0);

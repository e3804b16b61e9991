-- ODM schema version 3 (SQLite): access control. API keys, stored only as hashes, and the
-- audit log of every authenticated write and every key change.
--
-- A key is sent as `odm_<key_id>_<secret>`; key_hash is the SHA-256 (hex) of that whole text.
-- The secret has 256 random bits, so a fast hash is enough: there is nothing to guess.
-- Times are UTC.

CREATE TABLE odm_api_key (
    key_id       TEXT PRIMARY KEY,                -- public part of the key, 16 hex digits
    key_name     TEXT NOT NULL UNIQUE,            -- unique forever, revoked keys included
    key_hash     TEXT NOT NULL CHECK (length(key_hash) = 64),
    caller_role  TEXT NOT NULL CHECK (caller_role IN ('reader', 'writer', 'admin')),
    divisions    TEXT NOT NULL,                   -- '*' (every division) or ids: '10,63'
    created_at   TEXT NOT NULL,
    expires_on   TEXT CHECK (expires_on = date(expires_on)),  -- last valid day; NULL: never
    revoked_at   TEXT                             -- NULL while the key is valid
) STRICT, WITHOUT ROWID;

CREATE TABLE odm_audit (
    audit_id     INTEGER PRIMARY KEY,             -- increasing: the order of the events
    recorded_at  TEXT NOT NULL,
    actor        TEXT NOT NULL,                   -- key name, token subject or OS user
    subject      TEXT NOT NULL,                   -- 'key:<key_id>', 'oidc:<sub>' or 'cli:<user>'
    caller_role  TEXT NOT NULL,
    method       TEXT NOT NULL,                   -- HTTP method, or CLI
    route        TEXT NOT NULL,                   -- route template or command
    target       TEXT,                            -- what was changed, in words
    row_count    INTEGER NOT NULL
) STRICT;

-- ODM schema version 3 (PostgreSQL): access control. API keys, stored only as hashes, and
-- the audit log of every authenticated write and every key change.
--
-- A key is sent as `odm_<key_id>_<secret>`; key_hash is the SHA-256 (hex) of that whole text.
-- The secret has 256 random bits, so a fast hash is enough: there is nothing to guess.

CREATE TABLE odm_api_key (
    key_id       text PRIMARY KEY,
    key_name     text NOT NULL UNIQUE,
    key_hash     text NOT NULL CHECK (length(key_hash) = 64),
    caller_role  text NOT NULL CHECK (caller_role IN ('reader', 'writer', 'admin')),
    divisions    text NOT NULL,                   -- '*' (every division) or ids: '10,63'
    created_at   timestamptz NOT NULL,
    expires_on   date,                            -- last valid day (UTC); NULL: never
    revoked_at   timestamptz
);

CREATE TABLE odm_audit (
    audit_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at  timestamptz NOT NULL,
    actor        text NOT NULL,
    subject      text NOT NULL,
    caller_role  text NOT NULL,
    method       text NOT NULL,
    route        text NOT NULL,
    target       text,
    row_count    bigint NOT NULL
);

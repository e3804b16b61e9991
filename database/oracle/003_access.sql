-- ODM schema version 3 (Oracle): access control. API keys, stored only as hashes, and the
-- audit log of every authenticated write and every key change.
--
-- A key is sent as `odm_<key_id>_<secret>`; key_hash is the SHA-256 (hex) of that whole text.
-- The secret has 256 random bits, so a fast hash is enough: there is nothing to guess.
-- Times are UTC.

CREATE TABLE odm_api_key (
    key_id       VARCHAR2(32) PRIMARY KEY,
    key_name     VARCHAR2(100 CHAR) NOT NULL UNIQUE,
    key_hash     VARCHAR2(64) NOT NULL CHECK (LENGTH(key_hash) = 64),
    caller_role  VARCHAR2(16) NOT NULL CHECK (caller_role IN ('reader', 'writer', 'admin')),
    divisions    VARCHAR2(4000) NOT NULL,         -- '*' (every division) or ids: '10,63'
    created_at   TIMESTAMP NOT NULL,
    expires_on   DATE CHECK (expires_on = TRUNC(expires_on)),  -- last valid day; NULL: never
    revoked_at   TIMESTAMP
);

CREATE TABLE odm_audit (
    audit_id     NUMBER(19) GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at  TIMESTAMP NOT NULL,
    actor        VARCHAR2(200 CHAR) NOT NULL,
    subject      VARCHAR2(300 CHAR) NOT NULL,
    caller_role  VARCHAR2(16) NOT NULL,
    method       VARCHAR2(16) NOT NULL,
    route        VARCHAR2(200 CHAR) NOT NULL,
    target       VARCHAR2(400 CHAR),
    row_count    NUMBER(19) NOT NULL
);

@@grants.sql

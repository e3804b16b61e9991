-- ODM schema version 4 (SQLite): what writes over HTTP need. Every identifier of a well
-- (its name, UWI, API number and a free source key such as a regulator's wellbore code) is
-- unique where it is set, so any of them can name the well in a write or an import; wells
-- and divisions are retired rather than deleted (their history stays); and a write sent
-- with an Idempotency-Key is remembered with its answer, so that a retry changes nothing.

ALTER TABLE odm_well ADD COLUMN source_key TEXT;
ALTER TABLE odm_well ADD COLUMN retired_on TEXT CHECK (retired_on = date(retired_on));
ALTER TABLE odm_division ADD COLUMN retired_on TEXT CHECK (retired_on = date(retired_on));

CREATE UNIQUE INDEX odm_well_name_key ON odm_well (well_name);
CREATE UNIQUE INDEX odm_well_uwi_key ON odm_well (uwi) WHERE uwi IS NOT NULL;
CREATE UNIQUE INDEX odm_well_api_key ON odm_well (api_number) WHERE api_number IS NOT NULL;
CREATE UNIQUE INDEX odm_well_source_key ON odm_well (source_key) WHERE source_key IS NOT NULL;

CREATE TABLE odm_write_request (
    caller           TEXT NOT NULL,     -- who wrote: a key's name, a token's subject, or ''
    idempotency_key  TEXT NOT NULL,     -- the client's Idempotency-Key header
    request_digest   TEXT NOT NULL,     -- SHA-256 of the method, path, query and body
    status           INTEGER NOT NULL,  -- the HTTP status answered
    response         TEXT NOT NULL,     -- the JSON answered
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (caller, idempotency_key)
) STRICT;

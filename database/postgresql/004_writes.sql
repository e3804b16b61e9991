-- ODM schema version 4 (PostgreSQL): what writes over HTTP need. Every identifier of a well
-- (its name, UWI, API number and a free source key such as a regulator's wellbore code) is
-- unique where it is set, so any of them can name the well in a write or an import; wells
-- and divisions are retired rather than deleted (their history stays); and a write sent
-- with an Idempotency-Key is remembered with its answer, so that a retry changes nothing.

ALTER TABLE odm_well ADD COLUMN source_key text, ADD COLUMN retired_on date;
ALTER TABLE odm_division ADD COLUMN retired_on date;

CREATE UNIQUE INDEX odm_well_name_key ON odm_well (well_name);
CREATE UNIQUE INDEX odm_well_uwi_key ON odm_well (uwi) WHERE uwi IS NOT NULL;
CREATE UNIQUE INDEX odm_well_api_key ON odm_well (api_number) WHERE api_number IS NOT NULL;
CREATE UNIQUE INDEX odm_well_source_key ON odm_well (source_key) WHERE source_key IS NOT NULL;

CREATE TABLE odm_write_request (
    caller           text NOT NULL,     -- who wrote: a key's name, a token's subject, or ''
    idempotency_key  text NOT NULL,     -- the client's Idempotency-Key header
    request_digest   text NOT NULL,     -- SHA-256 of the method, path, query and body
    status           integer NOT NULL,  -- the HTTP status answered
    response         text NOT NULL,     -- the JSON answered
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, idempotency_key)
);

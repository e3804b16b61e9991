-- ODM schema version 4 (Oracle): what writes over HTTP need. Every identifier of a well
-- (its name, UWI, API number and a free source key such as a regulator's wellbore code) is
-- unique where it is set (a unique index skips rows whose key is NULL), so any of them can
-- name the well in a write or an import; wells and divisions are retired rather than
-- deleted; a write sent with an Idempotency-Key is remembered with its answer; and the rows
-- of one write are staged in session-private tables before one transaction moves them.

DECLARE
    column_exists EXCEPTION;
    PRAGMA EXCEPTION_INIT(column_exists, -1430);
BEGIN
    BEGIN
        EXECUTE IMMEDIATE 'ALTER TABLE odm_well ADD (source_key VARCHAR2(100 CHAR))';
    EXCEPTION
        WHEN column_exists THEN NULL;
    END;
    BEGIN
        EXECUTE IMMEDIATE 'ALTER TABLE odm_well ADD (retired_on DATE)';
    EXCEPTION
        WHEN column_exists THEN NULL;
    END;
    BEGIN
        EXECUTE IMMEDIATE 'ALTER TABLE odm_division ADD (retired_on DATE)';
    EXCEPTION
        WHEN column_exists THEN NULL;
    END;
END;
/

CREATE UNIQUE INDEX odm_well_name_key ON odm_well (well_name);
CREATE UNIQUE INDEX odm_well_uwi_key ON odm_well (uwi);
CREATE UNIQUE INDEX odm_well_api_key ON odm_well (api_number);
CREATE UNIQUE INDEX odm_well_source_key ON odm_well (source_key);

CREATE TABLE odm_write_request (
    caller           VARCHAR2(200 CHAR) NOT NULL,  -- a key's name, a token's subject, or '-'
    idempotency_key  VARCHAR2(200 CHAR) NOT NULL,  -- the client's Idempotency-Key header
    request_digest   VARCHAR2(64) NOT NULL,        -- SHA-256 of method, path, query, body
    status           NUMBER(3) NOT NULL,           -- the HTTP status answered
    response         CLOB NOT NULL,                -- the JSON answered
    created_at       TIMESTAMP DEFAULT SYSTIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);

-- The rows of one write: their position in the request, which fields they gave (a bit per
-- column), then the target table's columns. Private to the session; emptied at commit.
CREATE GLOBAL TEMPORARY TABLE odm_ingest_daily_production (
    stage_seq        NUMBER(19) NOT NULL,
    fieldset         NUMBER(10) NOT NULL,
    well_id          NUMBER(19),
    production_date  DATE,
    hours_on         BINARY_DOUBLE,
    oil              BINARY_DOUBLE,
    gas              BINARY_DOUBLE,
    water            BINARY_DOUBLE,
    water_injected   BINARY_DOUBLE,
    oil_sold         BINARY_DOUBLE,
    sales_value      BINARY_DOUBLE
) ON COMMIT DELETE ROWS;

CREATE GLOBAL TEMPORARY TABLE odm_ingest_monthly_production (
    stage_seq       NUMBER(19) NOT NULL,
    fieldset        NUMBER(10) NOT NULL,
    entity_type     VARCHAR2(16),
    entity_key      VARCHAR2(64 CHAR),
    month           DATE,
    division_id     NUMBER(19),
    well_id         NUMBER(19),
    entity_name     VARCHAR2(200 CHAR),
    days_on         BINARY_DOUBLE,
    oil             BINARY_DOUBLE,
    condensate      BINARY_DOUBLE,
    ngl             BINARY_DOUBLE,
    gas             BINARY_DOUBLE,
    associated_gas  BINARY_DOUBLE,
    water           BINARY_DOUBLE,
    water_injected  BINARY_DOUBLE,
    source          VARCHAR2(200 CHAR)
) ON COMMIT DELETE ROWS;

CREATE GLOBAL TEMPORARY TABLE odm_ingest_monthly_price (
    stage_seq  NUMBER(19) NOT NULL,
    fieldset   NUMBER(10) NOT NULL,
    product    VARCHAR2(16),
    month      DATE,
    price      BINARY_DOUBLE,
    source     VARCHAR2(200 CHAR)
) ON COMMIT DELETE ROWS;

CREATE GLOBAL TEMPORARY TABLE odm_ingest_well_budget (
    stage_seq  NUMBER(19) NOT NULL,
    fieldset   NUMBER(10) NOT NULL,
    well_id    NUMBER(19),
    month      DATE,
    budget     BINARY_DOUBLE,
    actual     BINARY_DOUBLE
) ON COMMIT DELETE ROWS;

CREATE GLOBAL TEMPORARY TABLE odm_ingest_oil_price (
    stage_seq   NUMBER(19) NOT NULL,
    fieldset    NUMBER(10) NOT NULL,
    price_date  DATE,
    price       BINARY_DOUBLE
) ON COMMIT DELETE ROWS;

@@grants.sql

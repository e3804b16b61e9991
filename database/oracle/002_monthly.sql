-- ODM schema version 2 (Oracle): monthly production at the grain regulators publish it
-- (per well, completion, lease or field), and monthly prices. Never spread into daily rows.
--
-- Canonical units as in version 1: oil, condensate, ngl, water, water_injected in bbl;
-- gas and associated_gas in Mcf; price in USD per unit of the product. Metric sources
-- (Sm³) are converted on import with the exact factors (1 bbl = 0.158987294928 m³, 1 ft³ =
-- 0.028316846592 m³; odm/units.py).

CREATE TABLE odm_monthly_production (
    entity_type     VARCHAR2(16) NOT NULL
                    CHECK (entity_type IN ('well', 'completion', 'lease', 'field')),
    entity_key      VARCHAR2(64 CHAR) NOT NULL,   -- the source's own id (leading zeros kept)
    month           DATE NOT NULL CHECK (month = TRUNC(month, 'MM')),
    division_id     NUMBER(19) NOT NULL REFERENCES odm_division (division_id),
    well_id         NUMBER(19) REFERENCES odm_well (well_id),  -- for a well or a completion
    entity_name     VARCHAR2(200 CHAR),
    days_on         BINARY_DOUBLE,                -- producing days in the month
    oil             BINARY_DOUBLE,
    condensate      BINARY_DOUBLE,
    ngl             BINARY_DOUBLE,
    gas             BINARY_DOUBLE,                -- all gas, associated included
    associated_gas  BINARY_DOUBLE,                -- oil-well (casinghead) gas, part of `gas`
    water           BINARY_DOUBLE,
    water_injected  BINARY_DOUBLE,
    source          VARCHAR2(200 CHAR) NOT NULL,  -- which file or feed the row came from
    PRIMARY KEY (entity_type, entity_key, month)
);

CREATE INDEX odm_monthly_division_idx
    ON odm_monthly_production (division_id, entity_type, entity_key, month);
-- Oracle has no partial index (the other backends index only rows that name a well).
CREATE INDEX odm_monthly_well_idx ON odm_monthly_production (well_id, month);

-- Monthly prices (benchmark or realized), e.g. the EIA first purchase price of crude oil.
CREATE TABLE odm_monthly_price (
    product  VARCHAR2(16) NOT NULL CHECK (product IN ('oil', 'gas', 'ngl', 'condensate')),
    month    DATE NOT NULL CHECK (month = TRUNC(month, 'MM')),
    price    BINARY_DOUBLE NOT NULL,          -- USD/bbl for liquids, USD/Mcf for gas
    source   VARCHAR2(200 CHAR) NOT NULL,
    PRIMARY KEY (product, month)
);

-- Imported rows on their way into the two tables above: an array INSERT here, then one MERGE
-- (as for daily rows in version 1). Private to the session and the transaction.
CREATE GLOBAL TEMPORARY TABLE odm_stage_monthly_production (
    stage_seq       NUMBER(19) NOT NULL,      -- the row's position in the import
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

CREATE GLOBAL TEMPORARY TABLE odm_stage_monthly_price (
    stage_seq  NUMBER(19) NOT NULL,
    product    VARCHAR2(16),
    month      DATE,
    price      BINARY_DOUBLE,
    source     VARCHAR2(200 CHAR)
) ON COMMIT DELETE ROWS;

@@grants.sql

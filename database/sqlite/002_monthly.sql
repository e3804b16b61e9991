-- ODM schema version 2 (SQLite): monthly production at the grain regulators publish it
-- (per well, completion, lease or field), and monthly prices. Never spread into daily rows.
--
-- Canonical units as in version 1: oil, condensate, ngl, water, water_injected in bbl;
-- gas and associated_gas in Mcf; price in USD per unit of the product. Metric sources
-- (Sm³) are converted on import with the exact factors (1 bbl = 0.158987294928 m³, 1 ft³ =
-- 0.028316846592 m³; odm/units.py).

CREATE TABLE odm_monthly_production (
    entity_type     TEXT NOT NULL CHECK (entity_type IN ('well', 'completion', 'lease', 'field')),
    entity_key      TEXT NOT NULL,          -- the source's own id, as text (leading zeros kept)
    month           TEXT NOT NULL CHECK (month = date(month, 'start of month')),
    division_id     INTEGER NOT NULL REFERENCES odm_division (division_id),
    well_id         INTEGER REFERENCES odm_well (well_id),  -- for a well or a completion
    entity_name     TEXT,
    days_on         REAL,                   -- producing days in the month
    oil             REAL,
    condensate      REAL,
    ngl             REAL,
    gas             REAL,                   -- all gas, associated included
    associated_gas  REAL,                   -- oil-well (casinghead) gas, part of `gas`
    water           REAL,
    water_injected  REAL,
    source          TEXT NOT NULL,          -- which file or feed the row came from
    PRIMARY KEY (entity_type, entity_key, month)
) STRICT, WITHOUT ROWID;

CREATE INDEX odm_monthly_division_idx
    ON odm_monthly_production (division_id, entity_type, entity_key, month);
CREATE INDEX odm_monthly_well_idx ON odm_monthly_production (well_id, month)
    WHERE well_id IS NOT NULL;

-- Monthly prices (benchmark or realized), e.g. the EIA first purchase price of crude oil.
CREATE TABLE odm_monthly_price (
    product  TEXT NOT NULL CHECK (product IN ('oil', 'gas', 'ngl', 'condensate')),
    month    TEXT NOT NULL CHECK (month = date(month, 'start of month')),
    price    REAL NOT NULL,                 -- USD/bbl for liquids, USD/Mcf for gas
    source   TEXT NOT NULL,
    PRIMARY KEY (product, month)
) STRICT, WITHOUT ROWID;

-- ODM schema version 1 (SQLite): divisions, wells, daily production and sales, oil prices,
-- monthly budgets, and per-well running totals kept exact by triggers.
--
-- Canonical units (the API converts at its edge, never in storage):
--   oil, water, water_injected, oil_sold : bbl (US barrel, 42 US gal, at 60 °F)
--   gas                                  : Mcf (1,000 standard cubic feet, 60 °F, 14.696 psia)
--   hours_on                             : hours in the production day (0 to 25)
--   price                                : USD per bbl;  sales_value, budget, actual : USD
-- Dates are ISO text, YYYY-MM-DD (a local production day, or the first day of a month).

CREATE TABLE odm_schema_version (
    version     INTEGER PRIMARY KEY,
    applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE odm_division (
    division_id    INTEGER PRIMARY KEY,
    division_name  TEXT
) STRICT;

CREATE TABLE odm_well (
    well_id                INTEGER PRIMARY KEY,            -- 64-bit
    well_name              TEXT NOT NULL,
    division_id            INTEGER NOT NULL REFERENCES odm_division (division_id),
    well_type              TEXT NOT NULL DEFAULT 'producer'
                           CHECK (well_type IN ('producer', 'injector')),
    status                 TEXT NOT NULL DEFAULT 'producing'
                           CHECK (status IN ('drilling', 'producing', 'shut_in', 'suspended',
                                             'abandoned')),
    first_production_date  TEXT CHECK (first_production_date = date(first_production_date)),
    api_number             TEXT,                           -- US API well number, as text
    uwi                    TEXT                            -- unique well identifier, as text
) STRICT;

CREATE INDEX odm_well_division_idx ON odm_well (division_id, well_id);

-- One row per well and production day. Zero is a shut-in day; NULL is "not measured".
CREATE TABLE odm_daily_production (
    well_id          INTEGER NOT NULL REFERENCES odm_well (well_id),
    production_date  TEXT NOT NULL CHECK (production_date = date(production_date)),
    hours_on         REAL CHECK (hours_on BETWEEN 0 AND 25),
    oil              REAL,
    gas              REAL,
    water            REAL,
    water_injected   REAL,
    oil_sold         REAL,
    sales_value      REAL,
    PRIMARY KEY (well_id, production_date)
) STRICT, WITHOUT ROWID;

CREATE TABLE odm_oil_price (
    price_date  TEXT PRIMARY KEY CHECK (price_date = date(price_date)),
    price       REAL NOT NULL
) STRICT, WITHOUT ROWID;

-- Monthly budget and actual spend per well; `month` is the first day of the month.
CREATE TABLE odm_well_budget (
    well_id  INTEGER NOT NULL REFERENCES odm_well (well_id),
    month    TEXT NOT NULL CHECK (month = date(month, 'start of month')),
    budget   REAL NOT NULL DEFAULT 0,
    actual   REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (well_id, month)
) STRICT, WITHOUT ROWID;

-- Life-to-date totals per well, changed by the triggers below in the same transaction as the
-- rows they sum, so the summaries can never be stale (unlike a materialized view).
CREATE TABLE odm_well_totals (
    well_id         INTEGER PRIMARY KEY REFERENCES odm_well (well_id) ON DELETE CASCADE,
    day_count       INTEGER NOT NULL DEFAULT 0,
    hours_on        REAL NOT NULL DEFAULT 0,
    oil             REAL NOT NULL DEFAULT 0,
    gas             REAL NOT NULL DEFAULT 0,
    water           REAL NOT NULL DEFAULT 0,
    water_injected  REAL NOT NULL DEFAULT 0,
    oil_sold        REAL NOT NULL DEFAULT 0,
    sales_value     REAL NOT NULL DEFAULT 0,
    budget          REAL NOT NULL DEFAULT 0,
    actual          REAL NOT NULL DEFAULT 0
) STRICT;

CREATE TRIGGER odm_well_totals_create AFTER INSERT ON odm_well
BEGIN
    INSERT INTO odm_well_totals (well_id) VALUES (NEW.well_id);
END;

CREATE TRIGGER odm_daily_totals_insert AFTER INSERT ON odm_daily_production
BEGIN
    UPDATE odm_well_totals SET
        day_count = day_count + 1,
        hours_on = hours_on + COALESCE(NEW.hours_on, 0),
        oil = oil + COALESCE(NEW.oil, 0),
        gas = gas + COALESCE(NEW.gas, 0),
        water = water + COALESCE(NEW.water, 0),
        water_injected = water_injected + COALESCE(NEW.water_injected, 0),
        oil_sold = oil_sold + COALESCE(NEW.oil_sold, 0),
        sales_value = sales_value + COALESCE(NEW.sales_value, 0)
    WHERE well_id = NEW.well_id;
END;

CREATE TRIGGER odm_daily_totals_delete AFTER DELETE ON odm_daily_production
BEGIN
    UPDATE odm_well_totals SET
        day_count = day_count - 1,
        hours_on = hours_on - COALESCE(OLD.hours_on, 0),
        oil = oil - COALESCE(OLD.oil, 0),
        gas = gas - COALESCE(OLD.gas, 0),
        water = water - COALESCE(OLD.water, 0),
        water_injected = water_injected - COALESCE(OLD.water_injected, 0),
        oil_sold = oil_sold - COALESCE(OLD.oil_sold, 0),
        sales_value = sales_value - COALESCE(OLD.sales_value, 0)
    WHERE well_id = OLD.well_id;
END;

-- An update is a delete of the old row and an insert of the new one (the well may change).
CREATE TRIGGER odm_daily_totals_update AFTER UPDATE ON odm_daily_production
BEGIN
    UPDATE odm_well_totals SET
        day_count = day_count - 1,
        hours_on = hours_on - COALESCE(OLD.hours_on, 0),
        oil = oil - COALESCE(OLD.oil, 0),
        gas = gas - COALESCE(OLD.gas, 0),
        water = water - COALESCE(OLD.water, 0),
        water_injected = water_injected - COALESCE(OLD.water_injected, 0),
        oil_sold = oil_sold - COALESCE(OLD.oil_sold, 0),
        sales_value = sales_value - COALESCE(OLD.sales_value, 0)
    WHERE well_id = OLD.well_id;
    UPDATE odm_well_totals SET
        day_count = day_count + 1,
        hours_on = hours_on + COALESCE(NEW.hours_on, 0),
        oil = oil + COALESCE(NEW.oil, 0),
        gas = gas + COALESCE(NEW.gas, 0),
        water = water + COALESCE(NEW.water, 0),
        water_injected = water_injected + COALESCE(NEW.water_injected, 0),
        oil_sold = oil_sold + COALESCE(NEW.oil_sold, 0),
        sales_value = sales_value + COALESCE(NEW.sales_value, 0)
    WHERE well_id = NEW.well_id;
END;

CREATE TRIGGER odm_budget_totals_insert AFTER INSERT ON odm_well_budget
BEGIN
    UPDATE odm_well_totals SET budget = budget + NEW.budget, actual = actual + NEW.actual
    WHERE well_id = NEW.well_id;
END;

CREATE TRIGGER odm_budget_totals_delete AFTER DELETE ON odm_well_budget
BEGIN
    UPDATE odm_well_totals SET budget = budget - OLD.budget, actual = actual - OLD.actual
    WHERE well_id = OLD.well_id;
END;

CREATE TRIGGER odm_budget_totals_update AFTER UPDATE ON odm_well_budget
BEGIN
    UPDATE odm_well_totals SET budget = budget - OLD.budget, actual = actual - OLD.actual
    WHERE well_id = OLD.well_id;
    UPDATE odm_well_totals SET budget = budget + NEW.budget, actual = actual + NEW.actual
    WHERE well_id = NEW.well_id;
END;

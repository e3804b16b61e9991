-- ODM schema version 1 (Oracle Database 19c or later): divisions, wells, daily production and
-- sales, oil prices, monthly budgets, per-well running totals kept exact by triggers, the
-- views the published design names, and its package Get_ODM_Data_Pkg.
--
-- Canonical units (the API converts at its edge, never in storage):
--   oil, water, water_injected, oil_sold : bbl (US barrel, 42 US gal, at 60 °F)
--   gas                                  : Mcf (1,000 standard cubic feet, 60 °F, 14.696 psia)
--   hours_on                             : hours in the production day (0 to 25)
--   price                                : USD per bbl;  sales_value, budget, actual : USD
-- Ids are NUMBER(19) (64-bit); measures are BINARY_DOUBLE, so they fetch as the same IEEE
-- doubles the other backends store; dates are DATE values with no time of day.
--
-- `odm init-db` runs this file statement by statement: a statement ends with ";" at the end
-- of a line, a PL/SQL unit with a line holding only "/". SQL*Plus and SQLcl run it as it is
-- (`@001_core.sql` from this folder); `@@` includes a file of this folder. Every version ends
-- with @@grants.sql, which grants its new objects to the owner's reader and writer roles.

CREATE TABLE odm_schema_version (
    version     NUMBER(10) PRIMARY KEY,
    applied_at  TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL
);

CREATE TABLE odm_division (
    division_id    NUMBER(19) PRIMARY KEY,
    division_name  VARCHAR2(200 CHAR)
);

CREATE TABLE odm_well (
    well_id                NUMBER(19) PRIMARY KEY,
    well_name              VARCHAR2(200 CHAR) NOT NULL,
    division_id            NUMBER(19) NOT NULL REFERENCES odm_division (division_id),
    well_type              VARCHAR2(16) DEFAULT 'producer' NOT NULL
                           CHECK (well_type IN ('producer', 'injector')),
    status                 VARCHAR2(16) DEFAULT 'producing' NOT NULL
                           CHECK (status IN ('drilling', 'producing', 'shut_in', 'suspended',
                                             'abandoned')),
    first_production_date  DATE CHECK (first_production_date = TRUNC(first_production_date)),
    api_number             VARCHAR2(32),
    uwi                    VARCHAR2(32)
);

CREATE INDEX odm_well_division_idx ON odm_well (division_id, well_id);

-- One row per well and production day. Zero is a shut-in day; NULL is "not measured".
CREATE TABLE odm_daily_production (
    well_id          NUMBER(19) NOT NULL REFERENCES odm_well (well_id),
    production_date  DATE NOT NULL CHECK (production_date = TRUNC(production_date)),
    hours_on         BINARY_DOUBLE CHECK (hours_on BETWEEN 0 AND 25),
    oil              BINARY_DOUBLE,
    gas              BINARY_DOUBLE,
    water            BINARY_DOUBLE,
    water_injected   BINARY_DOUBLE,
    oil_sold         BINARY_DOUBLE,
    sales_value      BINARY_DOUBLE,
    PRIMARY KEY (well_id, production_date)
) ORGANIZATION INDEX;

-- Rows of an import on their way into odm_daily_production: staged by an array INSERT,
-- then moved by one MERGE (see the trigger below). Private to the session and the transaction.
CREATE GLOBAL TEMPORARY TABLE odm_stage_daily_production (
    stage_seq        NUMBER(19) NOT NULL,   -- the row's position in the import
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

CREATE TABLE odm_oil_price (
    price_date  DATE PRIMARY KEY CHECK (price_date = TRUNC(price_date)),
    price       BINARY_DOUBLE NOT NULL
);

-- Monthly budget and actual spend per well; `month` is the first day of the month.
CREATE TABLE odm_well_budget (
    well_id  NUMBER(19) NOT NULL REFERENCES odm_well (well_id),
    month    DATE NOT NULL CHECK (month = TRUNC(month, 'MM')),
    budget   BINARY_DOUBLE DEFAULT 0 NOT NULL,
    actual   BINARY_DOUBLE DEFAULT 0 NOT NULL,
    PRIMARY KEY (well_id, month)
);

-- Life-to-date totals per well, changed by the triggers below in the same transaction as the
-- rows they sum, so the summaries can never be stale (unlike a materialized view).
CREATE TABLE odm_well_totals (
    well_id         NUMBER(19) PRIMARY KEY REFERENCES odm_well (well_id) ON DELETE CASCADE,
    day_count       NUMBER(19) DEFAULT 0 NOT NULL,
    hours_on        BINARY_DOUBLE DEFAULT 0 NOT NULL,
    oil             BINARY_DOUBLE DEFAULT 0 NOT NULL,
    gas             BINARY_DOUBLE DEFAULT 0 NOT NULL,
    water           BINARY_DOUBLE DEFAULT 0 NOT NULL,
    water_injected  BINARY_DOUBLE DEFAULT 0 NOT NULL,
    oil_sold        BINARY_DOUBLE DEFAULT 0 NOT NULL,
    sales_value     BINARY_DOUBLE DEFAULT 0 NOT NULL,
    budget          BINARY_DOUBLE DEFAULT 0 NOT NULL,
    actual          BINARY_DOUBLE DEFAULT 0 NOT NULL
);

CREATE OR REPLACE TRIGGER odm_well_totals_create
    AFTER INSERT ON odm_well
    FOR EACH ROW
BEGIN
    INSERT INTO odm_well_totals (well_id) VALUES (:NEW.well_id);
END;
/

-- A compound trigger: rows only add to a per-well delta in memory, and the deltas are written
-- once per execution of the statement. An array INSERT is one execution, so a million rows
-- cost one update per well; but an array UPDATE, DELETE or MERGE (executemany) executes once
-- per element, and so do these sections: one update per row. ODM's bulk path therefore sends
-- single statements only: array INSERTs, and upserts staged in odm_stage_daily_production
-- and merged by one MERGE. An update counts as a delete of the old row and an insert of the
-- new one.
CREATE OR REPLACE TRIGGER odm_daily_totals
    FOR INSERT OR UPDATE OR DELETE ON odm_daily_production
    COMPOUND TRIGGER

    TYPE delta_t IS RECORD (
        day_count       NUMBER := 0,
        hours_on        BINARY_DOUBLE := 0,
        oil             BINARY_DOUBLE := 0,
        gas             BINARY_DOUBLE := 0,
        water           BINARY_DOUBLE := 0,
        water_injected  BINARY_DOUBLE := 0,
        oil_sold        BINARY_DOUBLE := 0,
        sales_value     BINARY_DOUBLE := 0
    );
    -- Keyed by the well id as text: PLS_INTEGER keys cannot hold 64-bit ids.
    TYPE deltas_t IS TABLE OF delta_t INDEX BY VARCHAR2(20);
    g_deltas deltas_t;

    PROCEDURE add_row(
        p_well_id NUMBER, p_sign PLS_INTEGER, p_hours_on BINARY_DOUBLE, p_oil BINARY_DOUBLE,
        p_gas BINARY_DOUBLE, p_water BINARY_DOUBLE, p_water_injected BINARY_DOUBLE,
        p_oil_sold BINARY_DOUBLE, p_sales_value BINARY_DOUBLE
    ) IS
        l_key   VARCHAR2(20) := TO_CHAR(p_well_id);
        l_delta delta_t;
    BEGIN
        IF g_deltas.EXISTS(l_key) THEN
            l_delta := g_deltas(l_key);
        END IF;
        l_delta.day_count := l_delta.day_count + p_sign;
        l_delta.hours_on := l_delta.hours_on + p_sign * NVL(p_hours_on, 0);
        l_delta.oil := l_delta.oil + p_sign * NVL(p_oil, 0);
        l_delta.gas := l_delta.gas + p_sign * NVL(p_gas, 0);
        l_delta.water := l_delta.water + p_sign * NVL(p_water, 0);
        l_delta.water_injected := l_delta.water_injected + p_sign * NVL(p_water_injected, 0);
        l_delta.oil_sold := l_delta.oil_sold + p_sign * NVL(p_oil_sold, 0);
        l_delta.sales_value := l_delta.sales_value + p_sign * NVL(p_sales_value, 0);
        g_deltas(l_key) := l_delta;
    END add_row;

    AFTER EACH ROW IS
    BEGIN
        IF UPDATING OR DELETING THEN
            add_row(:OLD.well_id, -1, :OLD.hours_on, :OLD.oil, :OLD.gas, :OLD.water,
                    :OLD.water_injected, :OLD.oil_sold, :OLD.sales_value);
        END IF;
        IF INSERTING OR UPDATING THEN
            add_row(:NEW.well_id, 1, :NEW.hours_on, :NEW.oil, :NEW.gas, :NEW.water,
                    :NEW.water_injected, :NEW.oil_sold, :NEW.sales_value);
        END IF;
    END AFTER EACH ROW;

    -- A timing point takes no declarations between IS and BEGIN (PLS-00103 on a strict
    -- compiler): its variables live in a nested block.
    AFTER STATEMENT IS
    BEGIN
        DECLARE
            l_key   VARCHAR2(20) := g_deltas.FIRST;
            l_delta delta_t;
        BEGIN
            WHILE l_key IS NOT NULL LOOP
                l_delta := g_deltas(l_key);
                UPDATE odm_well_totals t SET
                    t.day_count = t.day_count + l_delta.day_count,
                    t.hours_on = t.hours_on + l_delta.hours_on,
                    t.oil = t.oil + l_delta.oil,
                    t.gas = t.gas + l_delta.gas,
                    t.water = t.water + l_delta.water,
                    t.water_injected = t.water_injected + l_delta.water_injected,
                    t.oil_sold = t.oil_sold + l_delta.oil_sold,
                    t.sales_value = t.sales_value + l_delta.sales_value
                WHERE t.well_id = TO_NUMBER(l_key);
                l_key := g_deltas.NEXT(l_key);
            END LOOP;
        END;
        g_deltas.DELETE;
    END AFTER STATEMENT;
END odm_daily_totals;
/

-- Budgets are monthly (a few hundred rows a well): a row trigger is enough.
CREATE OR REPLACE TRIGGER odm_budget_totals
    AFTER INSERT OR UPDATE OR DELETE ON odm_well_budget
    FOR EACH ROW
BEGIN
    IF UPDATING OR DELETING THEN
        UPDATE odm_well_totals
           SET budget = budget - :OLD.budget, actual = actual - :OLD.actual
         WHERE well_id = :OLD.well_id;
    END IF;
    IF INSERTING OR UPDATING THEN
        UPDATE odm_well_totals
           SET budget = budget + :NEW.budget, actual = actual + :NEW.actual
         WHERE well_id = :NEW.well_id;
    END IF;
END;
/

@@odm_views.sql
@@get_odm_data_pkg.sql
@@grants.sql

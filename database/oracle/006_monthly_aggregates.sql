-- ODM schema version 6 (Oracle): monthly aggregates of the daily and budget rows, kept by
-- triggers in the same transaction as the rows they sum, so rollups, cumulative volumes and
-- budget vs actual read a few rows per well-month or division-month instead of every day.
--
--   odm_well_month            per well and month: day counts and sums of the daily rows
--   odm_division_month        per division and month: the same over its wells, and how many
--   odm_division_year         per division and year: the same, wells counted once a year
--   odm_division_budget_month per division and month: budget and actual spend
--
-- A division's aggregates sum its wells' current division (as the rollups always have): a
-- well moved to another division takes its months along (odm_agg_well_division below).
-- Months are the first day of the month, years the first day of the year. A row exists only
-- while it sums at least one row: the last one gone, it is deleted. Sums are running sums
-- (like odm_well_totals); `odm check` compares them with a fresh recomputation.
--
-- Like the totals' trigger, the daily rows' compound trigger only adds each row to a delta per
-- well-month in memory; once per execution of the statement the deltas go into a temporary
-- table and one MERGE applies them, whose own compound trigger groups the well-months it
-- changed into their divisions. An array INSERT of ten thousand rows is one MERGE of a few
-- hundred well-months.
--
-- Retry-safe like the other versions: tables and indexes that exist are kept (ORA-00955),
-- triggers are CREATE OR REPLACE, and the block that fills the aggregates from the rows
-- written before this version empties them first.

CREATE TABLE odm_well_month (
    well_id         NUMBER(19) NOT NULL REFERENCES odm_well (well_id),
    month           DATE NOT NULL,
    record_days     NUMBER(10) NOT NULL,   -- daily rows
    measured_days   NUMBER(10) NOT NULL,   -- daily rows with hours_on recorded (not null)
    producing_days  NUMBER(10) NOT NULL,   -- daily rows with hours_on > 0
    hours_on        BINARY_DOUBLE NOT NULL,
    oil             BINARY_DOUBLE NOT NULL,
    gas             BINARY_DOUBLE NOT NULL,
    water           BINARY_DOUBLE NOT NULL,
    water_injected  BINARY_DOUBLE NOT NULL,
    oil_sold        BINARY_DOUBLE NOT NULL,
    sales_value     BINARY_DOUBLE NOT NULL,
    PRIMARY KEY (well_id, month)
) ORGANIZATION INDEX;

CREATE TABLE odm_division_month (
    division_id     NUMBER(19) NOT NULL REFERENCES odm_division (division_id),
    month           DATE NOT NULL,
    well_count      NUMBER(10) NOT NULL,   -- wells with daily rows in the month
    record_days     NUMBER(10) NOT NULL,
    measured_days   NUMBER(10) NOT NULL,
    producing_days  NUMBER(10) NOT NULL,
    hours_on        BINARY_DOUBLE NOT NULL,
    oil             BINARY_DOUBLE NOT NULL,
    gas             BINARY_DOUBLE NOT NULL,
    water           BINARY_DOUBLE NOT NULL,
    water_injected  BINARY_DOUBLE NOT NULL,
    oil_sold        BINARY_DOUBLE NOT NULL,
    sales_value     BINARY_DOUBLE NOT NULL,
    PRIMARY KEY (division_id, month)
);

CREATE TABLE odm_division_year (
    division_id     NUMBER(19) NOT NULL REFERENCES odm_division (division_id),
    year_start      DATE NOT NULL,
    well_count      NUMBER(10) NOT NULL,   -- wells with daily rows in the year (each once)
    record_days     NUMBER(10) NOT NULL,
    measured_days   NUMBER(10) NOT NULL,
    producing_days  NUMBER(10) NOT NULL,
    hours_on        BINARY_DOUBLE NOT NULL,
    oil             BINARY_DOUBLE NOT NULL,
    gas             BINARY_DOUBLE NOT NULL,
    water           BINARY_DOUBLE NOT NULL,
    water_injected  BINARY_DOUBLE NOT NULL,
    oil_sold        BINARY_DOUBLE NOT NULL,
    sales_value     BINARY_DOUBLE NOT NULL,
    PRIMARY KEY (division_id, year_start)
);

CREATE TABLE odm_division_budget_month (
    division_id  NUMBER(19) NOT NULL REFERENCES odm_division (division_id),
    month        DATE NOT NULL,
    budget_rows  NUMBER(10) NOT NULL,      -- well budget rows summed
    budget       BINARY_DOUBLE NOT NULL,
    actual       BINARY_DOUBLE NOT NULL,
    PRIMARY KEY (division_id, month)
);

-- One statement's changes of well-months, on their way from the daily rows' trigger to one
-- MERGE. Private to the session and the transaction; emptied after each statement.
CREATE GLOBAL TEMPORARY TABLE odm_well_month_changes (
    well_id         NUMBER(19) NOT NULL,
    month           DATE NOT NULL,
    record_days     NUMBER(10) NOT NULL,
    measured_days   NUMBER(10) NOT NULL,
    producing_days  NUMBER(10) NOT NULL,
    hours_on        BINARY_DOUBLE NOT NULL,
    oil             BINARY_DOUBLE NOT NULL,
    gas             BINARY_DOUBLE NOT NULL,
    water           BINARY_DOUBLE NOT NULL,
    water_injected  BINARY_DOUBLE NOT NULL,
    oil_sold        BINARY_DOUBLE NOT NULL,
    sales_value     BINARY_DOUBLE NOT NULL
) ON COMMIT DELETE ROWS;

-- Daily rows into well-months. An update counts as a delete of the old row and an insert of
-- the new one.
CREATE OR REPLACE TRIGGER odm_agg_daily
    FOR INSERT OR UPDATE OR DELETE ON odm_daily_production
    COMPOUND TRIGGER

    -- Keyed by well id and month as text: 'well_id|YYYYMM'.
    TYPE deltas_t IS TABLE OF odm_well_month_changes%ROWTYPE INDEX BY VARCHAR2(30);
    TYPE rows_t IS TABLE OF odm_well_month_changes%ROWTYPE INDEX BY PLS_INTEGER;
    g_deltas deltas_t;

    PROCEDURE add_row(
        p_well_id NUMBER, p_day DATE, p_sign PLS_INTEGER, p_hours_on BINARY_DOUBLE,
        p_oil BINARY_DOUBLE, p_gas BINARY_DOUBLE, p_water BINARY_DOUBLE,
        p_water_injected BINARY_DOUBLE, p_oil_sold BINARY_DOUBLE, p_sales_value BINARY_DOUBLE
    ) IS
        l_key   VARCHAR2(30) := TO_CHAR(p_well_id) || '|' || TO_CHAR(p_day, 'YYYYMM');
        l_delta odm_well_month_changes%ROWTYPE;
    BEGIN
        IF g_deltas.EXISTS(l_key) THEN
            l_delta := g_deltas(l_key);
        ELSE
            l_delta.well_id := p_well_id;
            l_delta.month := TRUNC(p_day, 'MM');
            l_delta.record_days := 0;
            l_delta.measured_days := 0;
            l_delta.producing_days := 0;
            l_delta.hours_on := 0;
            l_delta.oil := 0;
            l_delta.gas := 0;
            l_delta.water := 0;
            l_delta.water_injected := 0;
            l_delta.oil_sold := 0;
            l_delta.sales_value := 0;
        END IF;
        l_delta.record_days := l_delta.record_days + p_sign;
        IF p_hours_on IS NOT NULL THEN
            l_delta.measured_days := l_delta.measured_days + p_sign;
        END IF;
        IF p_hours_on > 0 THEN
            l_delta.producing_days := l_delta.producing_days + p_sign;
        END IF;
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
            add_row(:OLD.well_id, :OLD.production_date, -1, :OLD.hours_on, :OLD.oil, :OLD.gas,
                    :OLD.water, :OLD.water_injected, :OLD.oil_sold, :OLD.sales_value);
        END IF;
        IF INSERTING OR UPDATING THEN
            add_row(:NEW.well_id, :NEW.production_date, 1, :NEW.hours_on, :NEW.oil, :NEW.gas,
                    :NEW.water, :NEW.water_injected, :NEW.oil_sold, :NEW.sales_value);
        END IF;
    END AFTER EACH ROW;

    -- A timing point takes no declarations between IS and BEGIN: they live in a nested block.
    AFTER STATEMENT IS
    BEGIN
        DECLARE
            l_key  VARCHAR2(30) := g_deltas.FIRST;
            l_rows rows_t;
        BEGIN
            -- FORALL binds a dense collection: the deltas, numbered.
            WHILE l_key IS NOT NULL LOOP
                l_rows(l_rows.COUNT + 1) := g_deltas(l_key);
                l_key := g_deltas.NEXT(l_key);
            END LOOP;
            g_deltas.DELETE;
            IF l_rows.COUNT > 0 THEN
                FORALL i IN 1 .. l_rows.COUNT
                    INSERT INTO odm_well_month_changes VALUES l_rows(i);
                MERGE INTO odm_well_month t
                USING odm_well_month_changes s
                ON (t.well_id = s.well_id AND t.month = s.month)
                WHEN MATCHED THEN UPDATE SET
                    t.record_days = t.record_days + s.record_days,
                    t.measured_days = t.measured_days + s.measured_days,
                    t.producing_days = t.producing_days + s.producing_days,
                    t.hours_on = t.hours_on + s.hours_on,
                    t.oil = t.oil + s.oil,
                    t.gas = t.gas + s.gas,
                    t.water = t.water + s.water,
                    t.water_injected = t.water_injected + s.water_injected,
                    t.oil_sold = t.oil_sold + s.oil_sold,
                    t.sales_value = t.sales_value + s.sales_value
                WHEN NOT MATCHED THEN INSERT (
                    well_id, month, record_days, measured_days, producing_days, hours_on, oil,
                    gas, water, water_injected, oil_sold, sales_value
                ) VALUES (
                    s.well_id, s.month, s.record_days, s.measured_days, s.producing_days,
                    s.hours_on, s.oil, s.gas, s.water, s.water_injected, s.oil_sold,
                    s.sales_value
                );
                DELETE FROM odm_well_month t
                WHERE t.record_days = 0
                  AND (t.well_id, t.month) IN (SELECT well_id, month FROM odm_well_month_changes);
                DELETE FROM odm_well_month_changes;
            END IF;
        END;
    END AFTER STATEMENT;
END odm_agg_daily;
/

-- Well-months into their division's month and year. A well counts in a month while it has
-- that well-month, and in a year while it has a month in it: from how many it has now and how
-- many the statement added (net), counted once the statement's rows are all written.
CREATE OR REPLACE TRIGGER odm_agg_well_month
    FOR INSERT OR UPDATE OR DELETE ON odm_well_month
    COMPOUND TRIGGER

    TYPE delta_t IS RECORD (
        division_id     NUMBER(19),
        period          DATE,
        well_count      NUMBER := 0,
        record_days     NUMBER := 0,
        measured_days   NUMBER := 0,
        producing_days  NUMBER := 0,
        hours_on        BINARY_DOUBLE := 0,
        oil             BINARY_DOUBLE := 0,
        gas             BINARY_DOUBLE := 0,
        water           BINARY_DOUBLE := 0,
        water_injected  BINARY_DOUBLE := 0,
        oil_sold        BINARY_DOUBLE := 0,
        sales_value     BINARY_DOUBLE := 0
    );
    TYPE deltas_t IS TABLE OF delta_t INDEX BY VARCHAR2(40);
    TYPE well_year_t IS RECORD (
        well_id      NUMBER(19),
        division_id  NUMBER(19),
        year_start   DATE,
        net          NUMBER := 0
    );
    TYPE well_years_t IS TABLE OF well_year_t INDEX BY VARCHAR2(40);
    g_months deltas_t;
    g_years deltas_t;
    g_well_years well_years_t;

    PROCEDURE add_to(
        p_deltas IN OUT NOCOPY deltas_t, p_division_id NUMBER, p_period DATE,
        p_sign PLS_INTEGER, p_wells NUMBER, p_row odm_well_month%ROWTYPE
    ) IS
        l_key   VARCHAR2(40) := TO_CHAR(p_division_id) || '|' || TO_CHAR(p_period, 'YYYYMM');
        l_delta delta_t;
    BEGIN
        IF p_deltas.EXISTS(l_key) THEN
            l_delta := p_deltas(l_key);
        ELSE
            l_delta.division_id := p_division_id;
            l_delta.period := p_period;
        END IF;
        l_delta.well_count := l_delta.well_count + p_wells;
        l_delta.record_days := l_delta.record_days + p_sign * p_row.record_days;
        l_delta.measured_days := l_delta.measured_days + p_sign * p_row.measured_days;
        l_delta.producing_days := l_delta.producing_days + p_sign * p_row.producing_days;
        l_delta.hours_on := l_delta.hours_on + p_sign * p_row.hours_on;
        l_delta.oil := l_delta.oil + p_sign * p_row.oil;
        l_delta.gas := l_delta.gas + p_sign * p_row.gas;
        l_delta.water := l_delta.water + p_sign * p_row.water;
        l_delta.water_injected := l_delta.water_injected + p_sign * p_row.water_injected;
        l_delta.oil_sold := l_delta.oil_sold + p_sign * p_row.oil_sold;
        l_delta.sales_value := l_delta.sales_value + p_sign * p_row.sales_value;
        p_deltas(l_key) := l_delta;
    END add_to;

    -- One well-month as it is now (+1, for an insert: a well more in its month) or as it was
    -- (-1, for a delete: a well less). An update changes the sums, never the wells.
    PROCEDURE add_row(p_sign PLS_INTEGER, p_wells NUMBER, p_row odm_well_month%ROWTYPE) IS
        l_division_id NUMBER(19);
        l_year_start  DATE := TRUNC(p_row.month, 'YYYY');
        l_key         VARCHAR2(40);
        l_well_year   well_year_t;
    BEGIN
        SELECT division_id INTO l_division_id FROM odm_well WHERE well_id = p_row.well_id;
        add_to(g_months, l_division_id, p_row.month, p_sign, p_wells, p_row);
        add_to(g_years, l_division_id, l_year_start, p_sign, 0, p_row);
        l_key := TO_CHAR(p_row.well_id) || '|' || TO_CHAR(l_year_start, 'YYYY');
        IF g_well_years.EXISTS(l_key) THEN
            l_well_year := g_well_years(l_key);
        ELSE
            l_well_year.well_id := p_row.well_id;
            l_well_year.division_id := l_division_id;
            l_well_year.year_start := l_year_start;
        END IF;
        l_well_year.net := l_well_year.net + p_wells;
        g_well_years(l_key) := l_well_year;
    END add_row;

    AFTER EACH ROW IS
    BEGIN
        DECLARE
            l_old odm_well_month%ROWTYPE;
            l_new odm_well_month%ROWTYPE;
        BEGIN
            l_old.well_id := :OLD.well_id;
            l_old.month := :OLD.month;
            l_old.record_days := :OLD.record_days;
            l_old.measured_days := :OLD.measured_days;
            l_old.producing_days := :OLD.producing_days;
            l_old.hours_on := :OLD.hours_on;
            l_old.oil := :OLD.oil;
            l_old.gas := :OLD.gas;
            l_old.water := :OLD.water;
            l_old.water_injected := :OLD.water_injected;
            l_old.oil_sold := :OLD.oil_sold;
            l_old.sales_value := :OLD.sales_value;
            l_new.well_id := :NEW.well_id;
            l_new.month := :NEW.month;
            l_new.record_days := :NEW.record_days;
            l_new.measured_days := :NEW.measured_days;
            l_new.producing_days := :NEW.producing_days;
            l_new.hours_on := :NEW.hours_on;
            l_new.oil := :NEW.oil;
            l_new.gas := :NEW.gas;
            l_new.water := :NEW.water;
            l_new.water_injected := :NEW.water_injected;
            l_new.oil_sold := :NEW.oil_sold;
            l_new.sales_value := :NEW.sales_value;
            IF UPDATING OR DELETING THEN
                add_row(-1, CASE WHEN DELETING THEN -1 ELSE 0 END, l_old);
            END IF;
            IF INSERTING OR UPDATING THEN
                add_row(1, CASE WHEN INSERTING THEN 1 ELSE 0 END, l_new);
            END IF;
        END;
    END AFTER EACH ROW;

    AFTER STATEMENT IS
    BEGIN
        DECLARE
            l_key    VARCHAR2(40) := g_well_years.FIRST;
            l_months NUMBER;
            l_wells  NUMBER;
            l_delta  delta_t;
            l_none   odm_well_month%ROWTYPE;
        BEGIN
            -- Wells that got their first month of a year, or lost their last.
            WHILE l_key IS NOT NULL LOOP
                SELECT COUNT(*) INTO l_months
                FROM odm_well_month
                WHERE well_id = g_well_years(l_key).well_id
                  AND month >= g_well_years(l_key).year_start
                  AND month < ADD_MONTHS(g_well_years(l_key).year_start, 12);
                l_wells := CASE WHEN l_months > 0 THEN 1 ELSE 0 END
                         - CASE WHEN l_months - g_well_years(l_key).net > 0 THEN 1 ELSE 0 END;
                IF l_wells <> 0 THEN
                    l_none.record_days := 0;
                    l_none.measured_days := 0;
                    l_none.producing_days := 0;
                    l_none.hours_on := 0;
                    l_none.oil := 0;
                    l_none.gas := 0;
                    l_none.water := 0;
                    l_none.water_injected := 0;
                    l_none.oil_sold := 0;
                    l_none.sales_value := 0;
                    add_to(g_years, g_well_years(l_key).division_id,
                           g_well_years(l_key).year_start, 1, l_wells, l_none);
                END IF;
                l_key := g_well_years.NEXT(l_key);
            END LOOP;
            g_well_years.DELETE;
            l_key := g_months.FIRST;
            WHILE l_key IS NOT NULL LOOP
                l_delta := g_months(l_key);
                MERGE INTO odm_division_month t
                USING (SELECT l_delta.division_id AS division_id, l_delta.period AS month
                       FROM dual) s
                ON (t.division_id = s.division_id AND t.month = s.month)
                WHEN MATCHED THEN UPDATE SET
                    t.well_count = t.well_count + l_delta.well_count,
                    t.record_days = t.record_days + l_delta.record_days,
                    t.measured_days = t.measured_days + l_delta.measured_days,
                    t.producing_days = t.producing_days + l_delta.producing_days,
                    t.hours_on = t.hours_on + l_delta.hours_on,
                    t.oil = t.oil + l_delta.oil,
                    t.gas = t.gas + l_delta.gas,
                    t.water = t.water + l_delta.water,
                    t.water_injected = t.water_injected + l_delta.water_injected,
                    t.oil_sold = t.oil_sold + l_delta.oil_sold,
                    t.sales_value = t.sales_value + l_delta.sales_value
                WHEN NOT MATCHED THEN INSERT (
                    division_id, month, well_count, record_days, measured_days,
                    producing_days, hours_on, oil, gas, water, water_injected, oil_sold,
                    sales_value
                ) VALUES (
                    s.division_id, s.month, l_delta.well_count, l_delta.record_days,
                    l_delta.measured_days, l_delta.producing_days, l_delta.hours_on,
                    l_delta.oil, l_delta.gas, l_delta.water, l_delta.water_injected,
                    l_delta.oil_sold, l_delta.sales_value
                );
                DELETE FROM odm_division_month
                WHERE division_id = l_delta.division_id AND month = l_delta.period
                  AND well_count = 0;
                l_key := g_months.NEXT(l_key);
            END LOOP;
            g_months.DELETE;
            l_key := g_years.FIRST;
            WHILE l_key IS NOT NULL LOOP
                l_delta := g_years(l_key);
                MERGE INTO odm_division_year t
                USING (SELECT l_delta.division_id AS division_id,
                              l_delta.period AS year_start
                       FROM dual) s
                ON (t.division_id = s.division_id AND t.year_start = s.year_start)
                WHEN MATCHED THEN UPDATE SET
                    t.well_count = t.well_count + l_delta.well_count,
                    t.record_days = t.record_days + l_delta.record_days,
                    t.measured_days = t.measured_days + l_delta.measured_days,
                    t.producing_days = t.producing_days + l_delta.producing_days,
                    t.hours_on = t.hours_on + l_delta.hours_on,
                    t.oil = t.oil + l_delta.oil,
                    t.gas = t.gas + l_delta.gas,
                    t.water = t.water + l_delta.water,
                    t.water_injected = t.water_injected + l_delta.water_injected,
                    t.oil_sold = t.oil_sold + l_delta.oil_sold,
                    t.sales_value = t.sales_value + l_delta.sales_value
                WHEN NOT MATCHED THEN INSERT (
                    division_id, year_start, well_count, record_days, measured_days,
                    producing_days, hours_on, oil, gas, water, water_injected, oil_sold,
                    sales_value
                ) VALUES (
                    s.division_id, s.year_start, l_delta.well_count, l_delta.record_days,
                    l_delta.measured_days, l_delta.producing_days, l_delta.hours_on,
                    l_delta.oil, l_delta.gas, l_delta.water, l_delta.water_injected,
                    l_delta.oil_sold, l_delta.sales_value
                );
                DELETE FROM odm_division_year
                WHERE division_id = l_delta.division_id AND year_start = l_delta.period
                  AND well_count = 0;
                l_key := g_years.NEXT(l_key);
            END LOOP;
            g_years.DELETE;
        END;
    END AFTER STATEMENT;
END odm_agg_well_month;
/

-- Budget rows into their division's month (a few hundred rows a well: a row trigger is
-- enough, as for the totals).
CREATE OR REPLACE TRIGGER odm_agg_budget
    AFTER INSERT OR UPDATE OR DELETE ON odm_well_budget
    FOR EACH ROW
DECLARE
    l_division_id NUMBER(19);
BEGIN
    IF UPDATING OR DELETING THEN
        SELECT division_id INTO l_division_id FROM odm_well WHERE well_id = :OLD.well_id;
        UPDATE odm_division_budget_month
           SET budget_rows = budget_rows - 1,
               budget = budget - :OLD.budget,
               actual = actual - :OLD.actual
         WHERE division_id = l_division_id AND month = :OLD.month;
        DELETE FROM odm_division_budget_month
        WHERE division_id = l_division_id AND month = :OLD.month AND budget_rows = 0;
    END IF;
    IF INSERTING OR UPDATING THEN
        SELECT division_id INTO l_division_id FROM odm_well WHERE well_id = :NEW.well_id;
        MERGE INTO odm_division_budget_month t
        USING (SELECT l_division_id AS division_id, :NEW.month AS month FROM dual) s
        ON (t.division_id = s.division_id AND t.month = s.month)
        WHEN MATCHED THEN UPDATE SET
            t.budget_rows = t.budget_rows + 1,
            t.budget = t.budget + :NEW.budget,
            t.actual = t.actual + :NEW.actual
        WHEN NOT MATCHED THEN INSERT (division_id, month, budget_rows, budget, actual)
            VALUES (s.division_id, s.month, 1, :NEW.budget, :NEW.actual);
    END IF;
END;
/

-- A well moved to another division takes its months, years and budgets along.
CREATE OR REPLACE TRIGGER odm_agg_well_division
    AFTER UPDATE OF division_id ON odm_well
    FOR EACH ROW
    WHEN (OLD.division_id <> NEW.division_id)
BEGIN
    FOR m IN (SELECT * FROM odm_well_month WHERE well_id = :OLD.well_id) LOOP
        UPDATE odm_division_month t SET
            t.well_count = t.well_count - 1,
            t.record_days = t.record_days - m.record_days,
            t.measured_days = t.measured_days - m.measured_days,
            t.producing_days = t.producing_days - m.producing_days,
            t.hours_on = t.hours_on - m.hours_on,
            t.oil = t.oil - m.oil,
            t.gas = t.gas - m.gas,
            t.water = t.water - m.water,
            t.water_injected = t.water_injected - m.water_injected,
            t.oil_sold = t.oil_sold - m.oil_sold,
            t.sales_value = t.sales_value - m.sales_value
        WHERE t.division_id = :OLD.division_id AND t.month = m.month;
        MERGE INTO odm_division_month t
        USING (SELECT :NEW.division_id AS division_id, m.month AS month FROM dual) s
        ON (t.division_id = s.division_id AND t.month = s.month)
        WHEN MATCHED THEN UPDATE SET
            t.well_count = t.well_count + 1,
            t.record_days = t.record_days + m.record_days,
            t.measured_days = t.measured_days + m.measured_days,
            t.producing_days = t.producing_days + m.producing_days,
            t.hours_on = t.hours_on + m.hours_on,
            t.oil = t.oil + m.oil,
            t.gas = t.gas + m.gas,
            t.water = t.water + m.water,
            t.water_injected = t.water_injected + m.water_injected,
            t.oil_sold = t.oil_sold + m.oil_sold,
            t.sales_value = t.sales_value + m.sales_value
        WHEN NOT MATCHED THEN INSERT (
            division_id, month, well_count, record_days, measured_days, producing_days,
            hours_on, oil, gas, water, water_injected, oil_sold, sales_value
        ) VALUES (
            s.division_id, s.month, 1, m.record_days, m.measured_days, m.producing_days,
            m.hours_on, m.oil, m.gas, m.water, m.water_injected, m.oil_sold, m.sales_value
        );
    END LOOP;
    FOR y IN (
        SELECT TRUNC(month, 'YYYY') AS year_start,
               SUM(record_days) AS record_days, SUM(measured_days) AS measured_days,
               SUM(producing_days) AS producing_days, SUM(hours_on) AS hours_on,
               SUM(oil) AS oil, SUM(gas) AS gas, SUM(water) AS water,
               SUM(water_injected) AS water_injected, SUM(oil_sold) AS oil_sold,
               SUM(sales_value) AS sales_value
        FROM odm_well_month
        WHERE well_id = :OLD.well_id
        GROUP BY TRUNC(month, 'YYYY')
    ) LOOP
        UPDATE odm_division_year t SET
            t.well_count = t.well_count - 1,
            t.record_days = t.record_days - y.record_days,
            t.measured_days = t.measured_days - y.measured_days,
            t.producing_days = t.producing_days - y.producing_days,
            t.hours_on = t.hours_on - y.hours_on,
            t.oil = t.oil - y.oil,
            t.gas = t.gas - y.gas,
            t.water = t.water - y.water,
            t.water_injected = t.water_injected - y.water_injected,
            t.oil_sold = t.oil_sold - y.oil_sold,
            t.sales_value = t.sales_value - y.sales_value
        WHERE t.division_id = :OLD.division_id AND t.year_start = y.year_start;
        MERGE INTO odm_division_year t
        USING (SELECT :NEW.division_id AS division_id, y.year_start AS year_start FROM dual) s
        ON (t.division_id = s.division_id AND t.year_start = s.year_start)
        WHEN MATCHED THEN UPDATE SET
            t.well_count = t.well_count + 1,
            t.record_days = t.record_days + y.record_days,
            t.measured_days = t.measured_days + y.measured_days,
            t.producing_days = t.producing_days + y.producing_days,
            t.hours_on = t.hours_on + y.hours_on,
            t.oil = t.oil + y.oil,
            t.gas = t.gas + y.gas,
            t.water = t.water + y.water,
            t.water_injected = t.water_injected + y.water_injected,
            t.oil_sold = t.oil_sold + y.oil_sold,
            t.sales_value = t.sales_value + y.sales_value
        WHEN NOT MATCHED THEN INSERT (
            division_id, year_start, well_count, record_days, measured_days, producing_days,
            hours_on, oil, gas, water, water_injected, oil_sold, sales_value
        ) VALUES (
            s.division_id, s.year_start, 1, y.record_days, y.measured_days, y.producing_days,
            y.hours_on, y.oil, y.gas, y.water, y.water_injected, y.oil_sold, y.sales_value
        );
    END LOOP;
    FOR b IN (SELECT month, budget, actual FROM odm_well_budget WHERE well_id = :OLD.well_id)
    LOOP
        UPDATE odm_division_budget_month t SET
            t.budget_rows = t.budget_rows - 1,
            t.budget = t.budget - b.budget,
            t.actual = t.actual - b.actual
        WHERE t.division_id = :OLD.division_id AND t.month = b.month;
        MERGE INTO odm_division_budget_month t
        USING (SELECT :NEW.division_id AS division_id, b.month AS month FROM dual) s
        ON (t.division_id = s.division_id AND t.month = s.month)
        WHEN MATCHED THEN UPDATE SET
            t.budget_rows = t.budget_rows + 1,
            t.budget = t.budget + b.budget,
            t.actual = t.actual + b.actual
        WHEN NOT MATCHED THEN INSERT (division_id, month, budget_rows, budget, actual)
            VALUES (s.division_id, s.month, 1, b.budget, b.actual);
    END LOOP;
    DELETE FROM odm_division_month WHERE division_id = :OLD.division_id AND well_count = 0;
    DELETE FROM odm_division_year WHERE division_id = :OLD.division_id AND well_count = 0;
    DELETE FROM odm_division_budget_month
    WHERE division_id = :OLD.division_id AND budget_rows = 0;
END;
/

-- The rows written before this version (emptied first, so that a retry starts over). The
-- well-months' trigger sums them into their divisions. Writers of daily and budget rows
-- wait until the install commits.
BEGIN
    LOCK TABLE odm_daily_production, odm_well_budget IN SHARE MODE;
    DELETE FROM odm_well_month;
    DELETE FROM odm_division_month;
    DELETE FROM odm_division_year;
    DELETE FROM odm_division_budget_month;
    INSERT INTO odm_well_month (
        well_id, month, record_days, measured_days, producing_days, hours_on, oil, gas,
        water, water_injected, oil_sold, sales_value
    )
    SELECT well_id, TRUNC(production_date, 'MM'), COUNT(*), COUNT(hours_on),
           COUNT(CASE WHEN hours_on > 0 THEN 1 END), NVL(SUM(hours_on), 0),
           NVL(SUM(oil), 0), NVL(SUM(gas), 0), NVL(SUM(water), 0),
           NVL(SUM(water_injected), 0), NVL(SUM(oil_sold), 0), NVL(SUM(sales_value), 0)
    FROM odm_daily_production
    GROUP BY well_id, TRUNC(production_date, 'MM');
    INSERT INTO odm_division_budget_month (division_id, month, budget_rows, budget, actual)
    SELECT w.division_id, b.month, COUNT(*), SUM(b.budget), SUM(b.actual)
    FROM odm_well_budget b
    JOIN odm_well w ON w.well_id = b.well_id
    GROUP BY w.division_id, b.month;
END;
/

@@grants.sql

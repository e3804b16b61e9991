-- ODM schema version 6 (SQLite): monthly aggregates of the daily and budget rows, kept by
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
-- Months are the first day of the month (YYYY-MM-01), years the first day of the year.
-- A row exists only while it sums at least one row: the last one gone, it is deleted.
-- Sums are running sums (like odm_well_totals); `odm check` compares them with a fresh
-- recomputation. A bulk load (write_tables) suspends these triggers and rebuilds the tables
-- from the rows (odm/queries/sqlite/rebuild_*.sql: the same sums as below).

CREATE TABLE odm_well_month (
    well_id         INTEGER NOT NULL REFERENCES odm_well (well_id),
    month           TEXT NOT NULL,
    record_days     INTEGER NOT NULL,   -- daily rows
    measured_days   INTEGER NOT NULL,   -- daily rows with hours_on recorded (not null)
    producing_days  INTEGER NOT NULL,   -- daily rows with hours_on > 0
    hours_on        REAL NOT NULL,
    oil             REAL NOT NULL,
    gas             REAL NOT NULL,
    water           REAL NOT NULL,
    water_injected  REAL NOT NULL,
    oil_sold        REAL NOT NULL,
    sales_value     REAL NOT NULL,
    PRIMARY KEY (well_id, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE odm_division_month (
    division_id     INTEGER NOT NULL REFERENCES odm_division (division_id),
    month           TEXT NOT NULL,
    well_count      INTEGER NOT NULL,   -- wells with daily rows in the month
    record_days     INTEGER NOT NULL,
    measured_days   INTEGER NOT NULL,
    producing_days  INTEGER NOT NULL,
    hours_on        REAL NOT NULL,
    oil             REAL NOT NULL,
    gas             REAL NOT NULL,
    water           REAL NOT NULL,
    water_injected  REAL NOT NULL,
    oil_sold        REAL NOT NULL,
    sales_value     REAL NOT NULL,
    PRIMARY KEY (division_id, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE odm_division_year (
    division_id     INTEGER NOT NULL REFERENCES odm_division (division_id),
    year_start      TEXT NOT NULL,
    well_count      INTEGER NOT NULL,   -- wells with daily rows in the year (each once)
    record_days     INTEGER NOT NULL,
    measured_days   INTEGER NOT NULL,
    producing_days  INTEGER NOT NULL,
    hours_on        REAL NOT NULL,
    oil             REAL NOT NULL,
    gas             REAL NOT NULL,
    water           REAL NOT NULL,
    water_injected  REAL NOT NULL,
    oil_sold        REAL NOT NULL,
    sales_value     REAL NOT NULL,
    PRIMARY KEY (division_id, year_start)
) STRICT, WITHOUT ROWID;

CREATE TABLE odm_division_budget_month (
    division_id  INTEGER NOT NULL REFERENCES odm_division (division_id),
    month        TEXT NOT NULL,
    budget_rows  INTEGER NOT NULL,      -- well budget rows summed
    budget       REAL NOT NULL,
    actual       REAL NOT NULL,
    PRIMARY KEY (division_id, month)
) STRICT, WITHOUT ROWID;

-- The rows written before this version (a bulk load sums them well by well, to the same sums).
INSERT INTO odm_well_month
SELECT well_id,
       substr(production_date, 1, 8) || '01',
       COUNT(*),
       COUNT(hours_on),
       COUNT(CASE WHEN hours_on > 0 THEN 1 END),
       TOTAL(hours_on), TOTAL(oil), TOTAL(gas), TOTAL(water), TOTAL(water_injected),
       TOTAL(oil_sold), TOTAL(sales_value)
FROM odm_daily_production
GROUP BY well_id, substr(production_date, 1, 8);

INSERT INTO odm_division_month
SELECT w.division_id, m.month, COUNT(*),
       SUM(m.record_days), SUM(m.measured_days), SUM(m.producing_days),
       TOTAL(m.hours_on), TOTAL(m.oil), TOTAL(m.gas), TOTAL(m.water), TOTAL(m.water_injected),
       TOTAL(m.oil_sold), TOTAL(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY w.division_id, m.month;

INSERT INTO odm_division_year
SELECT w.division_id, substr(m.month, 1, 5) || '01-01', COUNT(DISTINCT m.well_id),
       SUM(m.record_days), SUM(m.measured_days), SUM(m.producing_days),
       TOTAL(m.hours_on), TOTAL(m.oil), TOTAL(m.gas), TOTAL(m.water), TOTAL(m.water_injected),
       TOTAL(m.oil_sold), TOTAL(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY w.division_id, substr(m.month, 1, 5);

INSERT INTO odm_division_budget_month
SELECT w.division_id, b.month, COUNT(*), TOTAL(b.budget), TOTAL(b.actual)
FROM odm_well_budget b
JOIN odm_well w ON w.well_id = b.well_id
GROUP BY w.division_id, b.month;

-- Daily rows into well-months. A row's month is substr(production_date, 1, 8) || '01'.
CREATE TRIGGER odm_agg_daily_insert AFTER INSERT ON odm_daily_production
BEGIN
    INSERT INTO odm_well_month
    VALUES (
        NEW.well_id, substr(NEW.production_date, 1, 8) || '01', 1,
        NEW.hours_on IS NOT NULL, COALESCE(NEW.hours_on > 0, 0),
        COALESCE(NEW.hours_on, 0), COALESCE(NEW.oil, 0), COALESCE(NEW.gas, 0),
        COALESCE(NEW.water, 0), COALESCE(NEW.water_injected, 0),
        COALESCE(NEW.oil_sold, 0), COALESCE(NEW.sales_value, 0)
    )
    ON CONFLICT (well_id, month) DO UPDATE SET
        record_days = record_days + 1,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
END;

CREATE TRIGGER odm_agg_daily_delete AFTER DELETE ON odm_daily_production
BEGIN
    UPDATE odm_well_month SET
        record_days = record_days - 1,
        measured_days = measured_days - (OLD.hours_on IS NOT NULL),
        producing_days = producing_days - COALESCE(OLD.hours_on > 0, 0),
        hours_on = hours_on - COALESCE(OLD.hours_on, 0),
        oil = oil - COALESCE(OLD.oil, 0),
        gas = gas - COALESCE(OLD.gas, 0),
        water = water - COALESCE(OLD.water, 0),
        water_injected = water_injected - COALESCE(OLD.water_injected, 0),
        oil_sold = oil_sold - COALESCE(OLD.oil_sold, 0),
        sales_value = sales_value - COALESCE(OLD.sales_value, 0)
    WHERE well_id = OLD.well_id AND month = substr(OLD.production_date, 1, 8) || '01';
    DELETE FROM odm_well_month
    WHERE well_id = OLD.well_id AND month = substr(OLD.production_date, 1, 8) || '01'
      AND record_days = 0;
END;

-- An update within the same well-month changes its sums by the difference.
CREATE TRIGGER odm_agg_daily_update AFTER UPDATE ON odm_daily_production
WHEN OLD.well_id = NEW.well_id
 AND substr(OLD.production_date, 1, 7) = substr(NEW.production_date, 1, 7)
BEGIN
    UPDATE odm_well_month SET
        measured_days = measured_days + (NEW.hours_on IS NOT NULL) - (OLD.hours_on IS NOT NULL),
        producing_days = producing_days + COALESCE(NEW.hours_on > 0, 0)
                                        - COALESCE(OLD.hours_on > 0, 0),
        hours_on = hours_on + (COALESCE(NEW.hours_on, 0) - COALESCE(OLD.hours_on, 0)),
        oil = oil + (COALESCE(NEW.oil, 0) - COALESCE(OLD.oil, 0)),
        gas = gas + (COALESCE(NEW.gas, 0) - COALESCE(OLD.gas, 0)),
        water = water + (COALESCE(NEW.water, 0) - COALESCE(OLD.water, 0)),
        water_injected = water_injected
                         + (COALESCE(NEW.water_injected, 0) - COALESCE(OLD.water_injected, 0)),
        oil_sold = oil_sold + (COALESCE(NEW.oil_sold, 0) - COALESCE(OLD.oil_sold, 0)),
        sales_value = sales_value + (COALESCE(NEW.sales_value, 0) - COALESCE(OLD.sales_value, 0))
    WHERE well_id = NEW.well_id AND month = substr(NEW.production_date, 1, 8) || '01';
END;

-- An update that moves a row to another well or month: out of the old one, into the new.
CREATE TRIGGER odm_agg_daily_move AFTER UPDATE ON odm_daily_production
WHEN OLD.well_id <> NEW.well_id
  OR substr(OLD.production_date, 1, 7) <> substr(NEW.production_date, 1, 7)
BEGIN
    UPDATE odm_well_month SET
        record_days = record_days - 1,
        measured_days = measured_days - (OLD.hours_on IS NOT NULL),
        producing_days = producing_days - COALESCE(OLD.hours_on > 0, 0),
        hours_on = hours_on - COALESCE(OLD.hours_on, 0),
        oil = oil - COALESCE(OLD.oil, 0),
        gas = gas - COALESCE(OLD.gas, 0),
        water = water - COALESCE(OLD.water, 0),
        water_injected = water_injected - COALESCE(OLD.water_injected, 0),
        oil_sold = oil_sold - COALESCE(OLD.oil_sold, 0),
        sales_value = sales_value - COALESCE(OLD.sales_value, 0)
    WHERE well_id = OLD.well_id AND month = substr(OLD.production_date, 1, 8) || '01';
    DELETE FROM odm_well_month
    WHERE well_id = OLD.well_id AND month = substr(OLD.production_date, 1, 8) || '01'
      AND record_days = 0;
    INSERT INTO odm_well_month
    VALUES (
        NEW.well_id, substr(NEW.production_date, 1, 8) || '01', 1,
        NEW.hours_on IS NOT NULL, COALESCE(NEW.hours_on > 0, 0),
        COALESCE(NEW.hours_on, 0), COALESCE(NEW.oil, 0), COALESCE(NEW.gas, 0),
        COALESCE(NEW.water, 0), COALESCE(NEW.water_injected, 0),
        COALESCE(NEW.oil_sold, 0), COALESCE(NEW.sales_value, 0)
    )
    ON CONFLICT (well_id, month) DO UPDATE SET
        record_days = record_days + 1,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
END;

-- Well-months into their division's month and year. A new well-month adds a well to the
-- month, and to the year unless the well already has another month in it.
CREATE TRIGGER odm_agg_well_month_insert AFTER INSERT ON odm_well_month
BEGIN
    INSERT INTO odm_division_month
    SELECT w.division_id, NEW.month, 1, NEW.record_days, NEW.measured_days,
           NEW.producing_days, NEW.hours_on, NEW.oil, NEW.gas, NEW.water,
           NEW.water_injected, NEW.oil_sold, NEW.sales_value
    FROM odm_well w
    WHERE w.well_id = NEW.well_id
    ON CONFLICT (division_id, month) DO UPDATE SET
        well_count = well_count + 1,
        record_days = record_days + excluded.record_days,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
    INSERT INTO odm_division_year
    SELECT w.division_id, substr(NEW.month, 1, 5) || '01-01',
           NOT EXISTS (
               SELECT 1 FROM odm_well_month m
               WHERE m.well_id = NEW.well_id
                 AND m.month BETWEEN substr(NEW.month, 1, 5) || '01-01'
                                 AND substr(NEW.month, 1, 5) || '12-01'
                 AND m.month <> NEW.month
           ),
           NEW.record_days, NEW.measured_days, NEW.producing_days, NEW.hours_on, NEW.oil,
           NEW.gas, NEW.water, NEW.water_injected, NEW.oil_sold, NEW.sales_value
    FROM odm_well w
    WHERE w.well_id = NEW.well_id
    ON CONFLICT (division_id, year_start) DO UPDATE SET
        well_count = well_count + excluded.well_count,
        record_days = record_days + excluded.record_days,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
END;

-- The daily triggers never change a well-month's key: its division's rows change by the
-- difference.
CREATE TRIGGER odm_agg_well_month_update AFTER UPDATE ON odm_well_month
BEGIN
    UPDATE odm_division_month SET
        record_days = record_days + (NEW.record_days - OLD.record_days),
        measured_days = measured_days + (NEW.measured_days - OLD.measured_days),
        producing_days = producing_days + (NEW.producing_days - OLD.producing_days),
        hours_on = hours_on + (NEW.hours_on - OLD.hours_on),
        oil = oil + (NEW.oil - OLD.oil),
        gas = gas + (NEW.gas - OLD.gas),
        water = water + (NEW.water - OLD.water),
        water_injected = water_injected + (NEW.water_injected - OLD.water_injected),
        oil_sold = oil_sold + (NEW.oil_sold - OLD.oil_sold),
        sales_value = sales_value + (NEW.sales_value - OLD.sales_value)
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = NEW.well_id)
      AND month = NEW.month;
    UPDATE odm_division_year SET
        record_days = record_days + (NEW.record_days - OLD.record_days),
        measured_days = measured_days + (NEW.measured_days - OLD.measured_days),
        producing_days = producing_days + (NEW.producing_days - OLD.producing_days),
        hours_on = hours_on + (NEW.hours_on - OLD.hours_on),
        oil = oil + (NEW.oil - OLD.oil),
        gas = gas + (NEW.gas - OLD.gas),
        water = water + (NEW.water - OLD.water),
        water_injected = water_injected + (NEW.water_injected - OLD.water_injected),
        oil_sold = oil_sold + (NEW.oil_sold - OLD.oil_sold),
        sales_value = sales_value + (NEW.sales_value - OLD.sales_value)
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = NEW.well_id)
      AND year_start = substr(NEW.month, 1, 5) || '01-01';
END;

-- A well-month gone takes a well from the month, and from the year if it was its last.
CREATE TRIGGER odm_agg_well_month_delete AFTER DELETE ON odm_well_month
BEGIN
    UPDATE odm_division_month SET
        well_count = well_count - 1,
        record_days = record_days - OLD.record_days,
        measured_days = measured_days - OLD.measured_days,
        producing_days = producing_days - OLD.producing_days,
        hours_on = hours_on - OLD.hours_on,
        oil = oil - OLD.oil,
        gas = gas - OLD.gas,
        water = water - OLD.water,
        water_injected = water_injected - OLD.water_injected,
        oil_sold = oil_sold - OLD.oil_sold,
        sales_value = sales_value - OLD.sales_value
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month;
    DELETE FROM odm_division_month
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month AND well_count = 0;
    UPDATE odm_division_year SET
        well_count = well_count - (NOT EXISTS (
            SELECT 1 FROM odm_well_month m
            WHERE m.well_id = OLD.well_id
              AND m.month BETWEEN substr(OLD.month, 1, 5) || '01-01'
                              AND substr(OLD.month, 1, 5) || '12-01'
        )),
        record_days = record_days - OLD.record_days,
        measured_days = measured_days - OLD.measured_days,
        producing_days = producing_days - OLD.producing_days,
        hours_on = hours_on - OLD.hours_on,
        oil = oil - OLD.oil,
        gas = gas - OLD.gas,
        water = water - OLD.water,
        water_injected = water_injected - OLD.water_injected,
        oil_sold = oil_sold - OLD.oil_sold,
        sales_value = sales_value - OLD.sales_value
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND year_start = substr(OLD.month, 1, 5) || '01-01';
    DELETE FROM odm_division_year
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND year_start = substr(OLD.month, 1, 5) || '01-01' AND well_count = 0;
END;

-- Budget rows into their division's month: out with the old row, in with the new.
CREATE TRIGGER odm_agg_budget_insert AFTER INSERT ON odm_well_budget
BEGIN
    INSERT INTO odm_division_budget_month
    SELECT w.division_id, NEW.month, 1, NEW.budget, NEW.actual
    FROM odm_well w
    WHERE w.well_id = NEW.well_id
    ON CONFLICT (division_id, month) DO UPDATE SET
        budget_rows = budget_rows + 1,
        budget = budget + excluded.budget,
        actual = actual + excluded.actual;
END;

CREATE TRIGGER odm_agg_budget_delete AFTER DELETE ON odm_well_budget
BEGIN
    UPDATE odm_division_budget_month SET
        budget_rows = budget_rows - 1,
        budget = budget - OLD.budget,
        actual = actual - OLD.actual
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month;
    DELETE FROM odm_division_budget_month
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month AND budget_rows = 0;
END;

CREATE TRIGGER odm_agg_budget_update AFTER UPDATE ON odm_well_budget
BEGIN
    UPDATE odm_division_budget_month SET
        budget_rows = budget_rows - 1,
        budget = budget - OLD.budget,
        actual = actual - OLD.actual
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month;
    INSERT INTO odm_division_budget_month
    SELECT w.division_id, NEW.month, 1, NEW.budget, NEW.actual
    FROM odm_well w
    WHERE w.well_id = NEW.well_id
    ON CONFLICT (division_id, month) DO UPDATE SET
        budget_rows = budget_rows + 1,
        budget = budget + excluded.budget,
        actual = actual + excluded.actual;
    DELETE FROM odm_division_budget_month
    WHERE division_id = (SELECT division_id FROM odm_well WHERE well_id = OLD.well_id)
      AND month = OLD.month AND budget_rows = 0;
END;

-- A well moved to another division takes its months, years and budgets along. (A trigger's
-- UPDATE takes no table alias in SQLite.)
CREATE TRIGGER odm_agg_well_division AFTER UPDATE OF division_id ON odm_well
WHEN OLD.division_id <> NEW.division_id
BEGIN
    UPDATE odm_division_month SET
        well_count = odm_division_month.well_count - 1,
        record_days = odm_division_month.record_days - m.record_days,
        measured_days = odm_division_month.measured_days - m.measured_days,
        producing_days = odm_division_month.producing_days - m.producing_days,
        hours_on = odm_division_month.hours_on - m.hours_on,
        oil = odm_division_month.oil - m.oil,
        gas = odm_division_month.gas - m.gas,
        water = odm_division_month.water - m.water,
        water_injected = odm_division_month.water_injected - m.water_injected,
        oil_sold = odm_division_month.oil_sold - m.oil_sold,
        sales_value = odm_division_month.sales_value - m.sales_value
    FROM odm_well_month AS m
    WHERE m.well_id = OLD.well_id
      AND odm_division_month.division_id = OLD.division_id
      AND odm_division_month.month = m.month;
    INSERT INTO odm_division_month
    SELECT NEW.division_id, m.month, 1, m.record_days, m.measured_days, m.producing_days,
           m.hours_on, m.oil, m.gas, m.water, m.water_injected, m.oil_sold, m.sales_value
    FROM odm_well_month m
    WHERE m.well_id = NEW.well_id
    ON CONFLICT (division_id, month) DO UPDATE SET
        well_count = well_count + 1,
        record_days = record_days + excluded.record_days,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
    UPDATE odm_division_year SET
        well_count = odm_division_year.well_count - 1,
        record_days = odm_division_year.record_days - y.record_days,
        measured_days = odm_division_year.measured_days - y.measured_days,
        producing_days = odm_division_year.producing_days - y.producing_days,
        hours_on = odm_division_year.hours_on - y.hours_on,
        oil = odm_division_year.oil - y.oil,
        gas = odm_division_year.gas - y.gas,
        water = odm_division_year.water - y.water,
        water_injected = odm_division_year.water_injected - y.water_injected,
        oil_sold = odm_division_year.oil_sold - y.oil_sold,
        sales_value = odm_division_year.sales_value - y.sales_value
    FROM (
        SELECT substr(month, 1, 5) || '01-01' AS year_start,
               SUM(record_days) AS record_days, SUM(measured_days) AS measured_days,
               SUM(producing_days) AS producing_days, TOTAL(hours_on) AS hours_on,
               TOTAL(oil) AS oil, TOTAL(gas) AS gas, TOTAL(water) AS water,
               TOTAL(water_injected) AS water_injected, TOTAL(oil_sold) AS oil_sold,
               TOTAL(sales_value) AS sales_value
        FROM odm_well_month
        WHERE well_id = OLD.well_id
        GROUP BY substr(month, 1, 5)
    ) AS y
    WHERE odm_division_year.division_id = OLD.division_id
      AND odm_division_year.year_start = y.year_start;
    INSERT INTO odm_division_year
    SELECT NEW.division_id, substr(month, 1, 5) || '01-01', 1,
           SUM(record_days), SUM(measured_days), SUM(producing_days), TOTAL(hours_on),
           TOTAL(oil), TOTAL(gas), TOTAL(water), TOTAL(water_injected), TOTAL(oil_sold),
           TOTAL(sales_value)
    FROM odm_well_month
    WHERE well_id = NEW.well_id
    GROUP BY substr(month, 1, 5)
    ON CONFLICT (division_id, year_start) DO UPDATE SET
        well_count = well_count + 1,
        record_days = record_days + excluded.record_days,
        measured_days = measured_days + excluded.measured_days,
        producing_days = producing_days + excluded.producing_days,
        hours_on = hours_on + excluded.hours_on,
        oil = oil + excluded.oil,
        gas = gas + excluded.gas,
        water = water + excluded.water,
        water_injected = water_injected + excluded.water_injected,
        oil_sold = oil_sold + excluded.oil_sold,
        sales_value = sales_value + excluded.sales_value;
    UPDATE odm_division_budget_month SET
        budget_rows = odm_division_budget_month.budget_rows - 1,
        budget = odm_division_budget_month.budget - b.budget,
        actual = odm_division_budget_month.actual - b.actual
    FROM odm_well_budget AS b
    WHERE b.well_id = OLD.well_id
      AND odm_division_budget_month.division_id = OLD.division_id
      AND odm_division_budget_month.month = b.month;
    INSERT INTO odm_division_budget_month
    SELECT NEW.division_id, b.month, 1, b.budget, b.actual
    FROM odm_well_budget b
    WHERE b.well_id = NEW.well_id
    ON CONFLICT (division_id, month) DO UPDATE SET
        budget_rows = budget_rows + 1,
        budget = budget + excluded.budget,
        actual = actual + excluded.actual;
    DELETE FROM odm_division_month WHERE division_id = OLD.division_id AND well_count = 0;
    DELETE FROM odm_division_year WHERE division_id = OLD.division_id AND well_count = 0;
    DELETE FROM odm_division_budget_month
    WHERE division_id = OLD.division_id AND budget_rows = 0;
END;

-- ODM schema version 6 (PostgreSQL): monthly aggregates of the daily and budget rows, kept by
-- triggers in the same transaction as the rows they sum, so rollups, cumulative volumes and
-- budget vs actual read a few rows per well-month or division-month instead of every day.
--
--   odm_well_month            per well and month: day counts and sums of the daily rows
--   odm_division_month        per division and month: the same over its wells, and how many
--   odm_division_year         per division and year: the same, wells counted once a year
--   odm_division_budget_month per division and month: budget and actual spend
--
-- A division's aggregates sum its wells' current division (as the rollups always have): a
-- well moved to another division takes its months along (odm_well_division_apply below).
-- Months are the first day of the month, years the first day of the year. A row exists only
-- while it sums at least one row: the last one gone, it is deleted. Sums are running sums
-- (like odm_well_totals); `odm check` compares them with a fresh recomputation.
--
-- The triggers are statement-level, like the totals': each statement's daily rows are
-- grouped once per well-month (a COPY of millions of rows is one grouped upsert), and one
-- statement adds those changes to the well-months and to their divisions' months and years.

CREATE TABLE odm_well_month (
    well_id         bigint NOT NULL REFERENCES odm_well (well_id),
    month           date NOT NULL,
    record_days     integer NOT NULL,   -- daily rows
    measured_days   integer NOT NULL,   -- daily rows with hours_on recorded (not null)
    producing_days  integer NOT NULL,   -- daily rows with hours_on > 0
    hours_on        double precision NOT NULL,
    oil             double precision NOT NULL,
    gas             double precision NOT NULL,
    water           double precision NOT NULL,
    water_injected  double precision NOT NULL,
    oil_sold        double precision NOT NULL,
    sales_value     double precision NOT NULL,
    PRIMARY KEY (well_id, month)
);

CREATE TABLE odm_division_month (
    division_id     bigint NOT NULL REFERENCES odm_division (division_id),
    month           date NOT NULL,
    well_count      integer NOT NULL,   -- wells with daily rows in the month
    record_days     integer NOT NULL,
    measured_days   integer NOT NULL,
    producing_days  integer NOT NULL,
    hours_on        double precision NOT NULL,
    oil             double precision NOT NULL,
    gas             double precision NOT NULL,
    water           double precision NOT NULL,
    water_injected  double precision NOT NULL,
    oil_sold        double precision NOT NULL,
    sales_value     double precision NOT NULL,
    PRIMARY KEY (division_id, month)
);

CREATE TABLE odm_division_year (
    division_id     bigint NOT NULL REFERENCES odm_division (division_id),
    year_start      date NOT NULL,
    well_count      integer NOT NULL,   -- wells with daily rows in the year (each once)
    record_days     integer NOT NULL,
    measured_days   integer NOT NULL,
    producing_days  integer NOT NULL,
    hours_on        double precision NOT NULL,
    oil             double precision NOT NULL,
    gas             double precision NOT NULL,
    water           double precision NOT NULL,
    water_injected  double precision NOT NULL,
    oil_sold        double precision NOT NULL,
    sales_value     double precision NOT NULL,
    PRIMARY KEY (division_id, year_start)
);

CREATE TABLE odm_division_budget_month (
    division_id  bigint NOT NULL REFERENCES odm_division (division_id),
    month        date NOT NULL,
    budget_rows  integer NOT NULL,      -- well budget rows summed
    budget       double precision NOT NULL,
    actual       double precision NOT NULL,
    PRIMARY KEY (division_id, month)
);

-- The first day of a day's month and year (inlined where they are used; without a time zone).
CREATE FUNCTION odm_month_start(day date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT day - (extract(day FROM day)::integer - 1) $$;
CREATE FUNCTION odm_year_start(day date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT make_date(extract(year FROM day)::integer, 1, 1) $$;

-- Some daily rows' changes, summed per well-month (`deltas`: day counts and volumes of the
-- rows as they are now minus as they were), added to the well-months and, in the same
-- statement, to their divisions' months and years. A well-month whose day count grows from
-- nothing began (its well counts in its division's month, and in the year unless it had
-- another month there); one left with no day ended, and is deleted with any division month
-- or year left without wells. (The trigger functions take the transition tables, which only
-- they can read, to arrays, so that these statements are written and planned once.)
CREATE FUNCTION odm_month_aggregates_add(deltas odm_well_month[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ended boolean;
BEGIN
    WITH summed AS (
        INSERT INTO odm_well_month AS m
        SELECT * FROM unnest(deltas)
        ON CONFLICT (well_id, month) DO UPDATE SET
            record_days = m.record_days + EXCLUDED.record_days,
            measured_days = m.measured_days + EXCLUDED.measured_days,
            producing_days = m.producing_days + EXCLUDED.producing_days,
            hours_on = m.hours_on + EXCLUDED.hours_on,
            oil = m.oil + EXCLUDED.oil,
            gas = m.gas + EXCLUDED.gas,
            water = m.water + EXCLUDED.water,
            water_injected = m.water_injected + EXCLUDED.water_injected,
            oil_sold = m.oil_sold + EXCLUDED.oil_sold,
            sales_value = m.sales_value + EXCLUDED.sales_value
        RETURNING m.well_id, m.month, m.record_days
    ),
    changed AS (
        SELECT w.division_id, d.*,
               CASE WHEN s.record_days = d.record_days THEN 1
                    WHEN s.record_days = 0 THEN -1
                    ELSE 0 END AS wells
        FROM unnest(deltas) d
        JOIN summed s ON s.well_id = d.well_id AND s.month = d.month
        JOIN odm_well w ON w.well_id = d.well_id
    ),
    -- A well's months in a year before this statement (its rows as the statement began),
    -- only where a month began or ended.
    years AS (
        SELECT c.division_id, c.well_id, odm_year_start(c.month) AS year_start,
               sum(c.wells) AS net
        FROM changed c
        WHERE c.wells <> 0
        GROUP BY 1, 2, 3
    ),
    year_wells AS (
        SELECT y.division_id, y.year_start,
               sum(CASE WHEN before.months + y.net > 0 THEN 1 ELSE 0 END
                   - CASE WHEN before.months > 0 THEN 1 ELSE 0 END) AS wells
        FROM years y
        CROSS JOIN LATERAL (
            SELECT count(*) AS months
            FROM odm_well_month m
            WHERE m.well_id = y.well_id
              AND m.month >= y.year_start
              AND m.month < (y.year_start + interval '1 year')::date
        ) before
        GROUP BY 1, 2
    ),
    division_months AS (
        INSERT INTO odm_division_month AS dm
        SELECT division_id, month, sum(wells), sum(record_days), sum(measured_days),
               sum(producing_days), sum(hours_on), sum(oil), sum(gas), sum(water),
               sum(water_injected), sum(oil_sold), sum(sales_value)
        FROM changed
        GROUP BY 1, 2
        ON CONFLICT (division_id, month) DO UPDATE SET
            well_count = dm.well_count + EXCLUDED.well_count,
            record_days = dm.record_days + EXCLUDED.record_days,
            measured_days = dm.measured_days + EXCLUDED.measured_days,
            producing_days = dm.producing_days + EXCLUDED.producing_days,
            hours_on = dm.hours_on + EXCLUDED.hours_on,
            oil = dm.oil + EXCLUDED.oil,
            gas = dm.gas + EXCLUDED.gas,
            water = dm.water + EXCLUDED.water,
            water_injected = dm.water_injected + EXCLUDED.water_injected,
            oil_sold = dm.oil_sold + EXCLUDED.oil_sold,
            sales_value = dm.sales_value + EXCLUDED.sales_value
    )
    INSERT INTO odm_division_year AS dy
    SELECT c.division_id, odm_year_start(c.month), coalesce(max(yw.wells), 0),
           sum(c.record_days), sum(c.measured_days), sum(c.producing_days), sum(c.hours_on),
           sum(c.oil), sum(c.gas), sum(c.water), sum(c.water_injected), sum(c.oil_sold),
           sum(c.sales_value)
    FROM changed c
    LEFT JOIN year_wells yw
           ON yw.division_id = c.division_id AND yw.year_start = odm_year_start(c.month)
    GROUP BY 1, 2
    ON CONFLICT (division_id, year_start) DO UPDATE SET
        well_count = dy.well_count + EXCLUDED.well_count,
        record_days = dy.record_days + EXCLUDED.record_days,
        measured_days = dy.measured_days + EXCLUDED.measured_days,
        producing_days = dy.producing_days + EXCLUDED.producing_days,
        hours_on = dy.hours_on + EXCLUDED.hours_on,
        oil = dy.oil + EXCLUDED.oil,
        gas = dy.gas + EXCLUDED.gas,
        water = dy.water + EXCLUDED.water,
        water_injected = dy.water_injected + EXCLUDED.water_injected,
        oil_sold = dy.oil_sold + EXCLUDED.oil_sold,
        sales_value = dy.sales_value + EXCLUDED.sales_value;
    -- Only rows taken away can end a well-month.
    SELECT EXISTS (SELECT 1 FROM unnest(deltas) d WHERE d.record_days < 0) INTO ended;
    IF ended THEN
        DELETE FROM odm_well_month m
        USING unnest(deltas) d
        WHERE m.well_id = d.well_id AND m.month = d.month AND m.record_days = 0;
        DELETE FROM odm_division_month dm
        USING (SELECT DISTINCT w.division_id, d.month
               FROM unnest(deltas) d JOIN odm_well w ON w.well_id = d.well_id) t
        WHERE dm.division_id = t.division_id AND dm.month = t.month AND dm.well_count = 0;
        DELETE FROM odm_division_year dy
        USING (SELECT DISTINCT w.division_id, odm_year_start(d.month) AS year_start
               FROM unnest(deltas) d JOIN odm_well w ON w.well_id = d.well_id) t
        WHERE dy.division_id = t.division_id AND dy.year_start = t.year_start
          AND dy.well_count = 0;
    END IF;
END $$;

-- Daily rows into well-months: the statement's rows, signed, grouped per well and month.
-- (A COPY's rows are grouped in memory: with the default 4 MB, a million rows' well-months
-- would be grouped on disk.)
CREATE FUNCTION odm_well_months_apply() RETURNS trigger LANGUAGE plpgsql
SET work_mem = '64MB' AS $$
DECLARE
    deltas odm_well_month[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(g.*)::odm_well_month) INTO deltas
        FROM (SELECT well_id, odm_month_start(production_date), count(*), count(hours_on),
                     count(*) FILTER (WHERE hours_on > 0), coalesce(sum(hours_on), 0),
                     coalesce(sum(oil), 0), coalesce(sum(gas), 0), coalesce(sum(water), 0),
                     coalesce(sum(water_injected), 0), coalesce(sum(oil_sold), 0),
                     coalesce(sum(sales_value), 0)
              FROM new_rows GROUP BY 1, 2) g;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(g.*)::odm_well_month) INTO deltas
        FROM (SELECT well_id, odm_month_start(production_date), -count(*),
                     -count(hours_on), -count(*) FILTER (WHERE hours_on > 0),
                     -coalesce(sum(hours_on), 0), -coalesce(sum(oil), 0),
                     -coalesce(sum(gas), 0), -coalesce(sum(water), 0),
                     -coalesce(sum(water_injected), 0), -coalesce(sum(oil_sold), 0),
                     -coalesce(sum(sales_value), 0)
              FROM old_rows GROUP BY 1, 2) g;
    ELSE
        SELECT array_agg(ROW(g.*)::odm_well_month) INTO deltas
        FROM (SELECT well_id, odm_month_start(production_date), sum(sign),
                     sum(CASE WHEN hours_on IS NOT NULL THEN sign ELSE 0 END),
                     sum(CASE WHEN hours_on > 0 THEN sign ELSE 0 END),
                     coalesce(sum(sign * hours_on), 0), coalesce(sum(sign * oil), 0),
                     coalesce(sum(sign * gas), 0), coalesce(sum(sign * water), 0),
                     coalesce(sum(sign * water_injected), 0),
                     coalesce(sum(sign * oil_sold), 0), coalesce(sum(sign * sales_value), 0)
              FROM (SELECT 1 AS sign, * FROM new_rows
                    UNION ALL SELECT -1, * FROM old_rows) c
              GROUP BY 1, 2) g;
    END IF;
    PERFORM odm_month_aggregates_add(deltas);
    RETURN NULL;
END $$;

-- Budget rows added and removed into their division's month.
CREATE FUNCTION odm_division_budgets_add(added odm_well_budget[], removed odm_well_budget[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH changes AS (
        SELECT 1 AS sign, * FROM unnest(added)
        UNION ALL
        SELECT -1, * FROM unnest(removed)
    )
    INSERT INTO odm_division_budget_month AS d
    SELECT w.division_id, c.month, sum(c.sign), sum(c.sign * c.budget),
           sum(c.sign * c.actual)
    FROM changes c
    JOIN odm_well w ON w.well_id = c.well_id
    GROUP BY 1, 2
    ON CONFLICT (division_id, month) DO UPDATE SET
        budget_rows = d.budget_rows + EXCLUDED.budget_rows,
        budget = d.budget + EXCLUDED.budget,
        actual = d.actual + EXCLUDED.actual;
    DELETE FROM odm_division_budget_month d
    USING (SELECT DISTINCT w.division_id, r.month
           FROM unnest(removed) r JOIN odm_well w ON w.well_id = r.well_id) t
    WHERE d.division_id = t.division_id AND d.month = t.month AND d.budget_rows = 0;
END $$;

CREATE FUNCTION odm_division_budgets_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added odm_well_budget[] := '{}';
    removed odm_well_budget[] := '{}';
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        added := ARRAY(SELECT ROW(n.*)::odm_well_budget FROM new_rows n);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        removed := ARRAY(SELECT ROW(o.*)::odm_well_budget FROM old_rows o);
    END IF;
    -- An upsert fires the INSERT and the UPDATE trigger, one of them often for no row.
    IF cardinality(added) + cardinality(removed) = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM odm_division_budgets_add(added, removed);
    RETURN NULL;
END $$;

-- A well moved to another division takes its months, years and budgets along: each counts
-- -1 in the old division and +1 in the new. Most updates of wells move none: one look at the
-- transition tables, and done.
CREATE FUNCTION odm_well_division_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.well_id = o.well_id
        WHERE n.division_id <> o.division_id
    ) THEN
        RETURN NULL;
    END IF;
    WITH moved AS (
        SELECT o.well_id, x.division_id, x.sign
        FROM old_rows o
        JOIN new_rows n ON n.well_id = o.well_id
        CROSS JOIN LATERAL (VALUES (o.division_id, -1), (n.division_id, 1)) x (division_id, sign)
        WHERE n.division_id <> o.division_id
    )
    INSERT INTO odm_division_month AS d
    SELECT mv.division_id, m.month, sum(mv.sign),
           sum(mv.sign * m.record_days), sum(mv.sign * m.measured_days),
           sum(mv.sign * m.producing_days), sum(mv.sign * m.hours_on), sum(mv.sign * m.oil),
           sum(mv.sign * m.gas), sum(mv.sign * m.water), sum(mv.sign * m.water_injected),
           sum(mv.sign * m.oil_sold), sum(mv.sign * m.sales_value)
    FROM moved mv
    JOIN odm_well_month m ON m.well_id = mv.well_id
    GROUP BY 1, 2
    ON CONFLICT (division_id, month) DO UPDATE SET
        well_count = d.well_count + EXCLUDED.well_count,
        record_days = d.record_days + EXCLUDED.record_days,
        measured_days = d.measured_days + EXCLUDED.measured_days,
        producing_days = d.producing_days + EXCLUDED.producing_days,
        hours_on = d.hours_on + EXCLUDED.hours_on,
        oil = d.oil + EXCLUDED.oil,
        gas = d.gas + EXCLUDED.gas,
        water = d.water + EXCLUDED.water,
        water_injected = d.water_injected + EXCLUDED.water_injected,
        oil_sold = d.oil_sold + EXCLUDED.oil_sold,
        sales_value = d.sales_value + EXCLUDED.sales_value;
    WITH moved AS (
        SELECT o.well_id, x.division_id, x.sign
        FROM old_rows o
        JOIN new_rows n ON n.well_id = o.well_id
        CROSS JOIN LATERAL (VALUES (o.division_id, -1), (n.division_id, 1)) x (division_id, sign)
        WHERE n.division_id <> o.division_id
    )
    INSERT INTO odm_division_year AS d
    SELECT y.division_id, y.year_start, sum(y.sign), sum(y.record_days),
           sum(y.measured_days), sum(y.producing_days), sum(y.hours_on), sum(y.oil),
           sum(y.gas), sum(y.water), sum(y.water_injected), sum(y.oil_sold),
           sum(y.sales_value)
    FROM (
        SELECT mv.division_id, odm_year_start(m.month) AS year_start, mv.sign,
               sum(mv.sign * m.record_days) AS record_days,
               sum(mv.sign * m.measured_days) AS measured_days,
               sum(mv.sign * m.producing_days) AS producing_days,
               sum(mv.sign * m.hours_on) AS hours_on, sum(mv.sign * m.oil) AS oil,
               sum(mv.sign * m.gas) AS gas, sum(mv.sign * m.water) AS water,
               sum(mv.sign * m.water_injected) AS water_injected,
               sum(mv.sign * m.oil_sold) AS oil_sold,
               sum(mv.sign * m.sales_value) AS sales_value
        FROM moved mv
        JOIN odm_well_month m ON m.well_id = mv.well_id
        GROUP BY mv.well_id, mv.division_id, 2, mv.sign
    ) y
    GROUP BY 1, 2
    ON CONFLICT (division_id, year_start) DO UPDATE SET
        well_count = d.well_count + EXCLUDED.well_count,
        record_days = d.record_days + EXCLUDED.record_days,
        measured_days = d.measured_days + EXCLUDED.measured_days,
        producing_days = d.producing_days + EXCLUDED.producing_days,
        hours_on = d.hours_on + EXCLUDED.hours_on,
        oil = d.oil + EXCLUDED.oil,
        gas = d.gas + EXCLUDED.gas,
        water = d.water + EXCLUDED.water,
        water_injected = d.water_injected + EXCLUDED.water_injected,
        oil_sold = d.oil_sold + EXCLUDED.oil_sold,
        sales_value = d.sales_value + EXCLUDED.sales_value;
    WITH moved AS (
        SELECT o.well_id, x.division_id, x.sign
        FROM old_rows o
        JOIN new_rows n ON n.well_id = o.well_id
        CROSS JOIN LATERAL (VALUES (o.division_id, -1), (n.division_id, 1)) x (division_id, sign)
        WHERE n.division_id <> o.division_id
    )
    INSERT INTO odm_division_budget_month AS d
    SELECT mv.division_id, b.month, sum(mv.sign), sum(mv.sign * b.budget),
           sum(mv.sign * b.actual)
    FROM moved mv
    JOIN odm_well_budget b ON b.well_id = mv.well_id
    GROUP BY 1, 2
    ON CONFLICT (division_id, month) DO UPDATE SET
        budget_rows = d.budget_rows + EXCLUDED.budget_rows,
        budget = d.budget + EXCLUDED.budget,
        actual = d.actual + EXCLUDED.actual;
    DELETE FROM odm_division_month
    WHERE division_id IN (SELECT division_id FROM old_rows) AND well_count = 0;
    DELETE FROM odm_division_year
    WHERE division_id IN (SELECT division_id FROM old_rows) AND well_count = 0;
    DELETE FROM odm_division_budget_month
    WHERE division_id IN (SELECT division_id FROM old_rows) AND budget_rows = 0;
    RETURN NULL;
END $$;

-- A TRUNCATE removes no rows one by one (no row or statement trigger sees them): the
-- aggregates of the truncated rows go with them.
CREATE FUNCTION odm_aggregates_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'odm_daily_production' THEN
        DELETE FROM odm_division_year;
        DELETE FROM odm_division_month;
        DELETE FROM odm_well_month;
    ELSE
        DELETE FROM odm_division_budget_month;
    END IF;
    RETURN NULL;
END $$;

-- Writers wait from here to the commit: the rows summed below are all there are.
CREATE TRIGGER odm_well_months_insert AFTER INSERT ON odm_daily_production
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_months_apply();
CREATE TRIGGER odm_well_months_update AFTER UPDATE ON odm_daily_production
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_months_apply();
CREATE TRIGGER odm_well_months_delete AFTER DELETE ON odm_daily_production
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_months_apply();
CREATE TRIGGER odm_well_months_truncate AFTER TRUNCATE ON odm_daily_production
    FOR EACH STATEMENT EXECUTE FUNCTION odm_aggregates_truncate();

CREATE TRIGGER odm_division_budgets_insert AFTER INSERT ON odm_well_budget
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_division_budgets_apply();
CREATE TRIGGER odm_division_budgets_update AFTER UPDATE ON odm_well_budget
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_division_budgets_apply();
CREATE TRIGGER odm_division_budgets_delete AFTER DELETE ON odm_well_budget
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_division_budgets_apply();
CREATE TRIGGER odm_division_budgets_truncate AFTER TRUNCATE ON odm_well_budget
    FOR EACH STATEMENT EXECUTE FUNCTION odm_aggregates_truncate();

CREATE TRIGGER odm_well_division_update AFTER UPDATE ON odm_well
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_division_apply();

-- The rows written before this version.
INSERT INTO odm_well_month
SELECT well_id, odm_month_start(production_date), count(*), count(hours_on),
       count(*) FILTER (WHERE hours_on > 0), coalesce(sum(hours_on), 0),
       coalesce(sum(oil), 0), coalesce(sum(gas), 0), coalesce(sum(water), 0),
       coalesce(sum(water_injected), 0), coalesce(sum(oil_sold), 0),
       coalesce(sum(sales_value), 0)
FROM odm_daily_production
GROUP BY 1, 2;

INSERT INTO odm_division_month
SELECT w.division_id, m.month, count(*), sum(m.record_days), sum(m.measured_days),
       sum(m.producing_days), sum(m.hours_on), sum(m.oil), sum(m.gas), sum(m.water),
       sum(m.water_injected), sum(m.oil_sold), sum(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY 1, 2;

INSERT INTO odm_division_year
SELECT w.division_id, odm_year_start(m.month), count(DISTINCT m.well_id),
       sum(m.record_days), sum(m.measured_days), sum(m.producing_days), sum(m.hours_on),
       sum(m.oil), sum(m.gas), sum(m.water), sum(m.water_injected), sum(m.oil_sold),
       sum(m.sales_value)
FROM odm_well_month m
JOIN odm_well w ON w.well_id = m.well_id
GROUP BY 1, 2;

INSERT INTO odm_division_budget_month
SELECT w.division_id, b.month, count(*), sum(b.budget), sum(b.actual)
FROM odm_well_budget b
JOIN odm_well w ON w.well_id = b.well_id
GROUP BY 1, 2;

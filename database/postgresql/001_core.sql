-- ODM schema version 1 (PostgreSQL): divisions, wells, daily production and sales, oil prices,
-- monthly budgets, and per-well running totals kept exact by triggers.
--
-- Canonical units (the API converts at its edge, never in storage):
--   oil, water, water_injected, oil_sold : bbl (US barrel, 42 US gal, at 60 °F)
--   gas                                  : Mcf (1,000 standard cubic feet, 60 °F, 14.696 psia)
--   hours_on                             : hours in the production day (0 to 25)
--   price                                : USD per bbl;  sales_value, budget, actual : USD

CREATE TABLE odm_schema_version (
    version     integer PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE odm_division (
    division_id    bigint PRIMARY KEY,
    division_name  text
);

CREATE TABLE odm_well (
    well_id                bigint PRIMARY KEY,
    well_name              text NOT NULL,
    division_id            bigint NOT NULL REFERENCES odm_division (division_id),
    well_type              text NOT NULL DEFAULT 'producer'
                           CHECK (well_type IN ('producer', 'injector')),
    status                 text NOT NULL DEFAULT 'producing'
                           CHECK (status IN ('drilling', 'producing', 'shut_in', 'suspended',
                                             'abandoned')),
    first_production_date  date,
    api_number             text,
    uwi                    text
);

CREATE INDEX odm_well_division_idx ON odm_well (division_id, well_id);

-- One row per well and production day. Zero is a shut-in day; NULL is "not measured".
CREATE TABLE odm_daily_production (
    well_id          bigint NOT NULL REFERENCES odm_well (well_id),
    production_date  date NOT NULL,
    hours_on         double precision CHECK (hours_on BETWEEN 0 AND 25),
    oil              double precision,
    gas              double precision,
    water            double precision,
    water_injected   double precision,
    oil_sold         double precision,
    sales_value      double precision,
    PRIMARY KEY (well_id, production_date)
);

CREATE TABLE odm_oil_price (
    price_date  date PRIMARY KEY,
    price       double precision NOT NULL
);

-- Monthly budget and actual spend per well; `month` is the first day of the month.
CREATE TABLE odm_well_budget (
    well_id  bigint NOT NULL REFERENCES odm_well (well_id),
    month    date NOT NULL CHECK (extract(day FROM month) = 1),
    budget   double precision NOT NULL DEFAULT 0,
    actual   double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (well_id, month)
);

-- Life-to-date totals per well, changed by the triggers below in the same transaction as the
-- rows they sum, so the summaries can never be stale (unlike a materialized view).
CREATE TABLE odm_well_totals (
    well_id         bigint PRIMARY KEY REFERENCES odm_well (well_id) ON DELETE CASCADE,
    day_count       bigint NOT NULL DEFAULT 0,
    hours_on        double precision NOT NULL DEFAULT 0,
    oil             double precision NOT NULL DEFAULT 0,
    gas             double precision NOT NULL DEFAULT 0,
    water           double precision NOT NULL DEFAULT 0,
    water_injected  double precision NOT NULL DEFAULT 0,
    oil_sold        double precision NOT NULL DEFAULT 0,
    sales_value     double precision NOT NULL DEFAULT 0,
    budget          double precision NOT NULL DEFAULT 0,
    actual          double precision NOT NULL DEFAULT 0
);

CREATE FUNCTION odm_well_totals_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO odm_well_totals (well_id) SELECT well_id FROM new_wells;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_well_totals_create AFTER INSERT ON odm_well
    REFERENCING NEW TABLE AS new_wells
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_totals_create();

-- Statement-level triggers: one grouped update per statement, so a COPY of millions of rows
-- costs one pass over its transition table, not one update per row.
CREATE FUNCTION odm_daily_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE odm_well_totals t SET
            day_count = t.day_count - o.day_count,
            hours_on = t.hours_on - o.hours_on,
            oil = t.oil - o.oil,
            gas = t.gas - o.gas,
            water = t.water - o.water,
            water_injected = t.water_injected - o.water_injected,
            oil_sold = t.oil_sold - o.oil_sold,
            sales_value = t.sales_value - o.sales_value
        FROM (
            SELECT well_id, count(*) AS day_count,
                   coalesce(sum(hours_on), 0) AS hours_on, coalesce(sum(oil), 0) AS oil,
                   coalesce(sum(gas), 0) AS gas, coalesce(sum(water), 0) AS water,
                   coalesce(sum(water_injected), 0) AS water_injected,
                   coalesce(sum(oil_sold), 0) AS oil_sold,
                   coalesce(sum(sales_value), 0) AS sales_value
            FROM old_rows GROUP BY well_id
        ) o
        WHERE t.well_id = o.well_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE odm_well_totals t SET
            day_count = t.day_count + n.day_count,
            hours_on = t.hours_on + n.hours_on,
            oil = t.oil + n.oil,
            gas = t.gas + n.gas,
            water = t.water + n.water,
            water_injected = t.water_injected + n.water_injected,
            oil_sold = t.oil_sold + n.oil_sold,
            sales_value = t.sales_value + n.sales_value
        FROM (
            SELECT well_id, count(*) AS day_count,
                   coalesce(sum(hours_on), 0) AS hours_on, coalesce(sum(oil), 0) AS oil,
                   coalesce(sum(gas), 0) AS gas, coalesce(sum(water), 0) AS water,
                   coalesce(sum(water_injected), 0) AS water_injected,
                   coalesce(sum(oil_sold), 0) AS oil_sold,
                   coalesce(sum(sales_value), 0) AS sales_value
            FROM new_rows GROUP BY well_id
        ) n
        WHERE t.well_id = n.well_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_daily_totals_insert AFTER INSERT ON odm_daily_production
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_daily_totals_apply();
CREATE TRIGGER odm_daily_totals_update AFTER UPDATE ON odm_daily_production
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_daily_totals_apply();
CREATE TRIGGER odm_daily_totals_delete AFTER DELETE ON odm_daily_production
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_daily_totals_apply();

CREATE FUNCTION odm_budget_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE odm_well_totals t SET budget = t.budget - o.budget, actual = t.actual - o.actual
        FROM (SELECT well_id, sum(budget) AS budget, sum(actual) AS actual
              FROM old_rows GROUP BY well_id) o
        WHERE t.well_id = o.well_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE odm_well_totals t SET budget = t.budget + n.budget, actual = t.actual + n.actual
        FROM (SELECT well_id, sum(budget) AS budget, sum(actual) AS actual
              FROM new_rows GROUP BY well_id) n
        WHERE t.well_id = n.well_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_budget_totals_insert AFTER INSERT ON odm_well_budget
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_budget_totals_apply();
CREATE TRIGGER odm_budget_totals_update AFTER UPDATE ON odm_well_budget
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_budget_totals_apply();
CREATE TRIGGER odm_budget_totals_delete AFTER DELETE ON odm_well_budget
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_budget_totals_apply();

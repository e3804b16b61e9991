-- ODM schema version 8 (PostgreSQL): daily production partitioned by year.
--
-- odm_daily_production becomes a declaratively partitioned table (RANGE on production_date),
-- one partition per calendar year (odm_daily_production_2025 holds 2025-01-01 up to, not
-- including, 2026-01-01) and a DEFAULT partition as a safety net for a year that has none
-- yet. Partitions are made as data arrives, never by hand: every write over HTTP and every
-- import calls odm_daily_partitions_cover(first day, last day) for its rows before moving
-- them (outside its transaction), and a bulk load (odm demo) moves whatever went to the
-- default partition into yearly ones (odm_daily_partitions_from_default) before it commits.
--
-- Why: a year's rows stay together, so a date range reads only its years (partition
-- pruning), each partition's primary key index stays small enough to be cached, and old
-- years can be copied out whole. What stays the same: the primary key (well_id,
-- production_date) (so INSERT ... ON CONFLICT upserts as before), the columns, defaults and
-- checks (hours_on), and the statement-level triggers: the wells' check of version 7, the
-- totals of version 1 and the monthly aggregates of version 6, all kept in the write's
-- transaction; on a partitioned table they fire once per statement for the rows of every
-- partition it touched. A well's history is read partition by partition in key order
-- (Merge Append of index scans), and the summaries never read daily rows at all.
--
-- The upgrade moves every row once, in this transaction: the old table is renamed, the new
-- one made like it (columns, defaults, checks; foreign keys, if any, recreated) with
-- partitions for every year present, the rows copied (before the triggers exist, so nothing
-- is summed or checked twice), the old table dropped and its triggers recreated on the new
-- one, whatever they are (their definitions are read from the catalog, so a trigger added by
-- any version before this one comes along). A table that is already partitioned is left
-- as it is.

-- The partition of one year, made if missing. Its rows that went to the default partition
-- move into it first (a direct move between partitions: the triggers on the partitioned
-- table do not fire, and no total changes, as no row was added or removed). Attaching a
-- table that already carries the partition's range as a CHECK skips the scan of its rows.
-- Writers of the same new year wait for each other on an advisory lock.
CREATE OR REPLACE FUNCTION odm_daily_partition_make(year integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    name text := format('odm_daily_production_%s', year);
    low date := make_date(year, 1, 1);
    high date := make_date(year + 1, 1, 1);
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(7400002);
    LOCK TABLE odm_daily_production_default IN ACCESS EXCLUSIVE MODE;
    -- Taking a table lock also brings this session's view of the catalog up to date: a
    -- partition another writer made while this one waited is seen now.
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE odm_daily_production INCLUDING DEFAULTS '
                   'INCLUDING CONSTRAINTS INCLUDING STORAGE)', name);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK '
                   '(production_date >= %L AND production_date < %L)',
                   name, name || '_range', low, high);
    EXECUTE format('WITH moved AS (DELETE FROM odm_daily_production_default '
                   'WHERE production_date >= %L AND production_date < %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', low, high, name);
    EXECUTE format('ALTER TABLE odm_daily_production ATTACH PARTITION %I '
                   'FOR VALUES FROM (%L) TO (%L)', name, low, high);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_range');
    RETURN true;
END $$;

-- The partitions of every year from one day to another (both included): how many were made.
CREATE OR REPLACE FUNCTION odm_daily_partitions_cover(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    made integer := 0;
BEGIN
    IF first_day IS NULL OR last_day IS NULL THEN
        RETURN 0;
    END IF;
    FOR year IN extract(year FROM first_day)::integer .. extract(year FROM last_day)::integer
    LOOP
        IF odm_daily_partition_make(year) THEN
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END $$;

-- The partitions of the years whose rows are in the default partition (after a bulk load).
CREATE OR REPLACE FUNCTION odm_daily_partitions_from_default() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    year integer;
    made integer := 0;
BEGIN
    FOR year IN SELECT DISTINCT extract(year FROM production_date)::integer
                FROM odm_daily_production_default ORDER BY 1
    LOOP
        IF odm_daily_partition_make(year) THEN
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END $$;

DO $$
DECLARE
    triggers text[];
    foreign_keys text[];
    definition text;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'odm_daily_production'::regclass) = 'p' THEN
        RETURN;
    END IF;
    SELECT array_agg(pg_get_triggerdef(oid) ORDER BY tgname) INTO triggers
    FROM pg_trigger
    WHERE tgrelid = 'odm_daily_production'::regclass AND NOT tgisinternal;
    SELECT array_agg(format('ALTER TABLE odm_daily_production ADD CONSTRAINT %I %s',
                            conname, pg_get_constraintdef(oid)) ORDER BY conname)
    INTO foreign_keys
    FROM pg_constraint
    WHERE conrelid = 'odm_daily_production'::regclass AND contype = 'f';

    ALTER TABLE odm_daily_production RENAME TO odm_daily_production_unpartitioned;
    ALTER TABLE odm_daily_production_unpartitioned
        RENAME CONSTRAINT odm_daily_production_pkey TO odm_daily_production_unpartitioned_pkey;
    CREATE TABLE odm_daily_production (
        LIKE odm_daily_production_unpartitioned
            INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE,
        PRIMARY KEY (well_id, production_date)
    ) PARTITION BY RANGE (production_date);
    CREATE TABLE odm_daily_production_default PARTITION OF odm_daily_production DEFAULT;

    -- Partitions for the years of the rows written so far, and for this year and the next.
    PERFORM odm_daily_partitions_cover(min(production_date), max(production_date))
    FROM odm_daily_production_unpartitioned;
    PERFORM odm_daily_partitions_cover(current_date, (current_date + interval '1 year')::date);

    INSERT INTO odm_daily_production SELECT * FROM odm_daily_production_unpartitioned;
    DROP TABLE odm_daily_production_unpartitioned;
    FOREACH definition IN ARRAY coalesce(foreign_keys, '{}') || coalesce(triggers, '{}') LOOP
        EXECUTE regexp_replace(definition, ' ON \S*odm_daily_production ',
                               ' ON odm_daily_production ');
    END LOOP;
END $$;

ANALYZE odm_daily_production;

-- Schema version 7: daily rows check their wells once per statement, not once per row.
--
-- A foreign key checks every inserted row by itself, with a locking look-up of its well:
-- for a write of 200,000 daily rows that took as long as inserting them. These statement
-- triggers keep the same guarantees set by set: the wells a statement's rows name must
-- exist, and are locked as the key locked them (FOR KEY SHARE) until the write commits, so
-- that no concurrent transaction deletes them; a well that daily rows name cannot be deleted
-- or given another id. Both raise SQLSTATE 23503 (foreign_key_violation), as the key did.

DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'odm_daily_production'::regclass
          AND confrelid = 'odm_well'::regclass
          AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE odm_daily_production DROP CONSTRAINT %I', fk.conname);
    END LOOP;
END $$;

CREATE FUNCTION odm_daily_wells_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named bigint;
    locked bigint;
BEGIN
    SELECT COUNT(DISTINCT well_id) INTO named FROM new_rows;
    SELECT COUNT(*) INTO locked FROM (
        SELECT 1 FROM odm_well w
        WHERE w.well_id IN (SELECT well_id FROM new_rows)
        FOR KEY SHARE OF w
    ) found;
    IF locked < named THEN
        RAISE EXCEPTION 'insert or update on table "odm_daily_production" names a well that '
                        'is not in table "odm_well"'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_daily_wells_insert AFTER INSERT ON odm_daily_production
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_daily_wells_check();
CREATE TRIGGER odm_daily_wells_update AFTER UPDATE ON odm_daily_production
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_daily_wells_check();

-- A well leaving (deleted, or its id changed) while daily rows still name it.
CREATE FUNCTION odm_well_daily_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o
        WHERE NOT EXISTS (SELECT 1 FROM odm_well w WHERE w.well_id = o.well_id)
          AND EXISTS (SELECT 1 FROM odm_daily_production d WHERE d.well_id = o.well_id)
    ) THEN
        RAISE EXCEPTION 'a well in table "odm_well" is still named by table '
                        '"odm_daily_production"'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER odm_well_daily_delete AFTER DELETE ON odm_well
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_daily_check();
CREATE TRIGGER odm_well_daily_update AFTER UPDATE ON odm_well
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION odm_well_daily_check();

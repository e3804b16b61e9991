-- The partitions of daily production for this year and the next, made ahead of the writes
-- that bring their days (schema version 8; nothing before it). A write bringing a year
-- without one makes it, and that waits for every open read of daily production (an
-- export), while reads arriving after it wait behind it. Made here, by a server at start
-- and every few hours, the first write of a new year finds its partition. When both exist
-- this reads the catalog only; when one is missing and the lock is not free within a
-- second, it gives up (and is tried again later) rather than hold up the readers.
DO $$
BEGIN
    IF to_regprocedure('odm_daily_partitions_cover(date, date)') IS NOT NULL THEN
        PERFORM set_config('lock_timeout', '1s', true);
        PERFORM odm_daily_partitions_cover(current_date, (current_date + interval '1 year')::date);
    END IF;
END $$

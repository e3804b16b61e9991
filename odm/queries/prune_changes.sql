-- Drop change log entries older than the retention (the newest always stays, so readers know
-- where the log is).
DELETE FROM odm_change
WHERE changed_at < :cutoff
  AND change_id < (SELECT c.last_id FROM odm_change_counter c WHERE c.counter_id = 1)

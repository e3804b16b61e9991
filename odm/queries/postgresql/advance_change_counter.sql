-- Take `count` change ids: the counter's row stays locked until the write commits, so
-- writers append to the change log one after another, and ids are gapless and in commit
-- order. The new last id comes back; the first taken is last_id - count + 1. The same
-- statement wakes every process listening for changes when the transaction commits (the
-- payload is empty: the log is the truth, and NOTIFY payloads stop at 8,000 bytes).
UPDATE odm_change_counter
SET last_id = last_id + :count
WHERE counter_id = 1
RETURNING last_id, pg_notify('odm_changes', '') AS notified

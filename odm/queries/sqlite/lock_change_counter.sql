-- The last change id (SQLite: the write transaction, BEGIN IMMEDIATE, already excludes
-- every other writer until it commits).
SELECT c.last_id
FROM odm_change_counter c
WHERE c.counter_id = 1

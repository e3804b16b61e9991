-- The id of the last change committed.
SELECT c.last_id
FROM odm_change_counter c
WHERE c.counter_id = 1

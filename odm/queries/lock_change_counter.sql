-- The last change id, locked until the write commits: writers append to the change log one
-- after another, so ids are gapless and in commit order.
SELECT c.last_id
FROM odm_change_counter c
WHERE c.counter_id = 1
FOR UPDATE

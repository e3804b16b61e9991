-- The last change id after a write's changes were appended.
UPDATE odm_change_counter
SET last_id = :last_id
WHERE counter_id = 1

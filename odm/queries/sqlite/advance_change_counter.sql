-- Take `count` change ids (the write transaction, BEGIN IMMEDIATE, already excludes every
-- other writer until it commits): the new last id comes back; the first taken is
-- last_id - count + 1.
UPDATE odm_change_counter
SET last_id = last_id + :count
WHERE counter_id = 1
RETURNING last_id

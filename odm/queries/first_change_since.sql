-- The id of the first change committed at or after a time (GET /v1/changes?since_seconds=).
SELECT MIN(c.change_id) AS change_id
FROM odm_change c
WHERE c.changed_at >= :since

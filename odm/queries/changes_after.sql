-- Change log entries after an id, in order (GET /v1/changes, and each process's reader).
SELECT c.change_id,
       c.changed_at,
       c.division_id,
       c.entity,
       c.kind,
       c.well_id,
       c.payload
FROM odm_change c
WHERE c.change_id > :after
ORDER BY c.change_id

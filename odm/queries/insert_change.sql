-- One entry of the change log.
INSERT INTO odm_change (change_id, changed_at, division_id, entity, kind, well_id, payload)
VALUES (:change_id, :changed_at, :division_id, :entity, :kind, :well_id, :payload)

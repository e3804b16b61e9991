-- Retire a division (DELETE /v1/divisions/{id}) that has no active well left.
UPDATE odm_division
SET retired_on = :retired_on
WHERE division_id = :division_id
  AND retired_on IS NULL

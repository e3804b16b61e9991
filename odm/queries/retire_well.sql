-- Retire a well (DELETE /v1/wells/{id}): abandoned from a day on; its history stays.
UPDATE odm_well
SET status = 'abandoned',
    retired_on = :retired_on
WHERE well_id = :well_id
  AND retired_on IS NULL

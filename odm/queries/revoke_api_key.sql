-- Revoke a valid key by name; the row stays, for the audit log's sake.
UPDATE odm_api_key
SET revoked_at = :revoked_at
WHERE key_name = :key_name
  AND revoked_at IS NULL

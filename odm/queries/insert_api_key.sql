-- A new API key: its hash only (the key itself is shown once and never stored).
INSERT INTO odm_api_key
    (key_id, key_name, key_hash, caller_role, divisions, created_at, expires_on)
VALUES
    (:key_id, :key_name, :key_hash, :caller_role, :divisions, :created_at, :expires_on)

-- One API key by its public id, for checking a key a client sent (the hash, never the key).
SELECT k.key_id,
       k.key_name,
       k.key_hash,
       k.caller_role,
       k.divisions,
       k.expires_on,
       k.revoked_at
FROM odm_api_key k
WHERE k.key_id = :key_id

-- Every API key, valid or not, without its hash (`odm keys list`, GET /v1/keys).
SELECT k.key_id,
       k.key_name,
       k.caller_role,
       k.divisions,
       k.created_at,
       k.expires_on,
       k.revoked_at
FROM odm_api_key k
WHERE {where}
ORDER BY k.key_name

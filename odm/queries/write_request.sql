-- The answer remembered for a write sent with an Idempotency-Key (a retry gets it again).
SELECT r.request_digest, r.status, r.response
FROM odm_write_request r
WHERE r.caller = :caller
  AND r.idempotency_key = :idempotency_key

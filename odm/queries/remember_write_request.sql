-- Remember a write's answer under its Idempotency-Key, in the write's own transaction.
INSERT INTO odm_write_request (caller, idempotency_key, request_digest, status, response)
VALUES (:caller, :idempotency_key, :request_digest, :status, :response)

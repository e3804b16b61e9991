-- Wake every process listening for changes when this transaction commits (the payload is
-- empty: the log is the truth, and NOTIFY payloads stop at 8,000 bytes).
SELECT pg_notify('odm_changes', '') AS notified

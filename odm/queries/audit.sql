-- The audit log (GET /v1/audit), for admins.
SELECT a.audit_id,
       a.recorded_at,
       a.actor,
       a.subject,
       a.caller_role,
       a.method,
       a.route,
       a.target,
       a.row_count
FROM odm_audit a
WHERE {where}
ORDER BY {order}

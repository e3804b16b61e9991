-- One audit event: who changed what, through which route, and how many rows.
INSERT INTO odm_audit
    (recorded_at, actor, subject, caller_role, method, route, target, row_count)
VALUES
    (:recorded_at, :actor, :subject, :caller_role, :method, :route, :target, :row_count)

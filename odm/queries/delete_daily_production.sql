-- Delete one well's daily rows within a span of days (a correction); the totals triggers
-- move the well's totals in the same transaction.
DELETE FROM odm_daily_production
WHERE {where}

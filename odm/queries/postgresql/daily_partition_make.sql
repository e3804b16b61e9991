-- The partition of daily production for one year, made unless it exists (schema version 8).
SELECT odm_daily_partition_make(:year)

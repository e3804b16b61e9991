-- The types of a staging table's columns by name: a binary COPY must give each its own.
SELECT attname, format_type(atttypid, atttypmod)
FROM pg_attribute
WHERE attrelid = CAST(:table_name AS regclass) AND attnum > 0 AND NOT attisdropped

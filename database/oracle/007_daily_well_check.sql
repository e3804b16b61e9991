-- Schema version 7: on PostgreSQL, daily rows check their wells once per statement instead
-- of by a per-row foreign key. Oracle checks a foreign key inside the insert, without a SQL
-- look-up per row, and the key stays as it is: nothing changes here.

@@grants.sql

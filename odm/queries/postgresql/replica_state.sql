-- Whether this server is a replica (in recovery) and how far behind its primary it is, in
-- seconds: none when it has replayed every WAL record it received, else the age of the last
-- transaction it replayed (unknown, NULL, when it has replayed none since it started).
SELECT pg_is_in_recovery() AS in_recovery,
       CASE
           WHEN NOT pg_is_in_recovery() THEN NULL
           WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
           ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
       END AS lag_seconds

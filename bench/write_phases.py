"""Where one large write to PostgreSQL spends its time: `python -m bench.write_phases URL`.

Posts the benchmark's NDJSON body of new days (bench/ingest.py) to a fresh ODM server over a
scratch copy of the data set at URL (an `odm_bench_*` database the benchmark built), and
prints the wall time, the CPU the server and PostgreSQL used (from /proc), and each
statement seen running in `pg_stat_activity` (sampled every 0.1 s) with when it was first
and last seen. Run it from a checkout: the server imports that checkout's odm.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.datasets import DataSet
from bench.ingest import feed_for, post, scratch_copy, writer_key
from bench.servers import free_port, odm_server, running

SAMPLE_SECONDS = 0.1
ACTIVE = (
    "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity "
    "WHERE state = 'active' AND datname = current_database() AND pid <> pg_backend_pid()"
)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes used so far (those gone count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "postgres"], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


def sample(url: str, seen: dict[str, list[float]], stop: threading.Event) -> None:
    """Note when each statement is first and last seen running, until `stop`."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            now = time.perf_counter() - started
            for (query,) in conn.execute(ACTIVE.encode()):
                seen.setdefault(query, [now, now])[1] = now
            time.sleep(SAMPLE_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL data set of the benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    data = DataSet("write-phases", "postgresql", args.url, 0)
    with scratch_copy(data, Path(".")) as copy:
        key, feed, port = writer_key(copy.url), feed_for(copy, args.rows), free_port()
        with (
            tempfile.TemporaryDirectory() as logs,
            running(odm_server(copy, port), port, Path(logs)) as server,
        ):
            seen: dict[str, list[float]] = {}
            stop = threading.Event()
            sampler = threading.Thread(target=sample, args=(copy.url, seen, stop))
            sampler.start()
            pids = postgres_pids()
            before = cpu_seconds([server.process.pid]), cpu_seconds(pids)
            posted = post(f"http://127.0.0.1:{port}/v1/production/daily", key, feed)
            after = (
                cpu_seconds([server.process.pid]),
                cpu_seconds(sorted({*pids, *postgres_pids()})),
            )
            stop.set()
            sampler.join()
    print(
        f"{args.rows:,} rows: wall {posted.wall_s:.2f} s, server CPU {after[0] - before[0]:.2f} s, "
        f"PostgreSQL CPU {after[1] - before[1]:.2f} s; answer {posted.answer}"
    )
    for query, (first, last) in sorted(seen.items(), key=lambda item: item[1][0]):
        print(f"  {first:5.1f}-{last:5.1f} s  {query}")


if __name__ == "__main__":
    main()

"""`/division-summary` at the well count of the 100M-row history, without its rows (not in CI).

The summary reads the divisions, their wells and the wells' maintained totals, never the
daily rows, so its cost follows the number of wells. This writes a PostgreSQL database with
the divisions and the wells of bench/bulk.py's 100M-row history (27,383 wells; no daily
rows, so every total is zero), serves it with one `uvicorn service:app` process and times
sequential requests as bench/history.py does, where the rows' cache pressure and the
machine's load come on top.

    .venv/bin/python -m bench.summary_scale [--size 100m] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import os
from urllib.parse import urlsplit

import psycopg

from bench import bulk
from bench.datasets import DataSet
from bench.history import OUT, SAMPLES
from bench.latency import measure_latency
from bench.servers import free_port, odm_server, running


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.summary_scale", description=__doc__)
    parser.add_argument("--size", default="100m", choices=sorted(bulk.WELLS))
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    wells = bulk.WELLS[args.size]
    name = f"odm_summary_wells_{args.size}"
    url = urlsplit(args.postgres_url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(args.postgres_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        build_s = bulk.build(url, wells, history=False)
        port = free_port()
        data = DataSet(args.size, "postgresql", url, 0)
        with running(odm_server(data, port), port, OUT / "logs"):
            summary = measure_latency("127.0.0.1", port, "/division-summary", SAMPLES)
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        print(
            f"/division-summary over {wells:,} wells (built in {build_s:.1f} s): "
            f"p50 {summary.p50_ms:.1f} ms, p99 {summary.p99_ms:.1f} ms, "
            f"{SAMPLES} sequential requests, load average {load}"
        )
    finally:
        with psycopg.connect(args.postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


if __name__ == "__main__":
    main()

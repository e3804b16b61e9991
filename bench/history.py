"""History at scale (not in CI): ODM on PostgreSQL with 1M, 10M or 100M daily rows, daily
production partitioned by year (schema version 8).

The question: does ODM stay as fast as the history grows? Goals (issue 15): at 100M rows,
`/division-summary` p99 under 20 ms, a well's history page under 50 ms, and an export rate
(rows/s) the same as at 1M rows. Each size is built with the real `odm demo` (reused while its
row count is right), served by one real `uvicorn service:app` process, and measured one
request at a time; the build time, the disk size and the plans of the page and the summary
(EXPLAIN ANALYZE) are reported too. The export is one year of every well (`start`..`end`),
so that it is comparable across sizes: 1/10 of the rows at every size.

    .venv/bin/python -m bench.history --sizes 1m,10m [--bulk 100m] [--postgres-url URL] [--drop]

`--bulk` sizes are written by PostgreSQL itself (bench/bulk.py) instead of `odm demo`.

Writes bench/results/history/history.json and prints a Markdown table (docs/deployment.md
quotes it).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench import bulk
from bench.datasets import SIZES, DataSet, ensure_dataset
from bench.latency import measure_latency
from bench.servers import free_port, odm_server, running
from bench.transfer import download
from odm.demo import DemoSpec

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "history"
SIZES_AT_SCALE = SIZES | {"100m": DemoSpec(wells=37650, years=10, seed=7)}
EXPORT_YEAR = ("2021-01-01", "2021-12-31")
SAMPLES = 300
# Issue 16's requests (rollups, cumulative volumes, budget vs actual): at 100M rows each
# should answer under 200 ms at p99.
ROLLUPS = {
    "division/year rollup": "/v1/production/rollup?level=division&grain=year",
    "company/year rollup": "/v1/production/rollup?level=company&grain=year",
    "cumulative by division": "/v1/production/cumulative?as_of=2026-10-31&level=division",
    "division 63 months of 2025": "/v1/production/rollup?level=division&grain=month"
    "&division_id=63&start=2025-01-01&end=2025-12-31",
    "budget vs actual by year": "/v1/budget-vs-actual?grain=year&level=division",
}


@dataclass
class Measured:
    """What one size measured."""

    size: str
    rows: int
    build_s: float | None
    database_mb: float
    daily_table_mb: float
    partitions: int
    division_summary_p50_ms: float
    division_summary_p99_ms: float
    history_page_p50_ms: float
    history_page_p99_ms: float
    well_by_day_p50_ms: float
    well_by_day_p99_ms: float
    export_rows: int
    export_s: float
    export_rows_per_s: float
    load_average: str
    rollups_ms: dict[str, tuple[float, float]]  # request -> (p50, p99)


def measure(data: DataSet) -> Measured:
    """Serve the data set and measure it."""
    port = free_port()
    page = f"/v1/production/daily?well_id={data.well_id}&limit=1000&start=2020-01-01"
    by_day = f"/well-summary-by-day?well_id={data.well_id}&division_id={data.division_id}"
    export = f"/v1/production/daily?format=csv&start={EXPORT_YEAR[0]}&end={EXPORT_YEAR[1]}"
    with running(odm_server(data, port), port, OUT / "logs") as server:
        summary = measure_latency("127.0.0.1", port, "/division-summary", SAMPLES)
        history = measure_latency("127.0.0.1", port, page, SAMPLES)
        whole = measure_latency("127.0.0.1", port, by_day, SAMPLES // 3)
        transfer = download(f"{server.base_url}{export}")
        rollups = {
            name: measure_latency("127.0.0.1", port, path, SAMPLES // 3)
            for name, path in ROLLUPS.items()
        }
    rows = _count(data.url, "WHERE production_date BETWEEN %s AND %s", EXPORT_YEAR)
    database_mb, table_mb, partitions = _sizes(data.url)
    return Measured(
        data.size,
        data.rows,
        data.build_s,
        database_mb,
        table_mb,
        partitions,
        summary.p50_ms,
        summary.p99_ms,
        history.p50_ms,
        history.p99_ms,
        whole.p50_ms,
        whole.p99_ms,
        rows,
        transfer.wall,
        rows / transfer.wall,
        " ".join(f"{load:.1f}" for load in os.getloadavg()),
        {name: (got.p50_ms, got.p99_ms) for name, got in rollups.items()},
    )


def _count(url: str, where: str, params: tuple[str, ...]) -> int:
    with psycopg.connect(url) as conn:
        sql = f"SELECT count(*) FROM odm_daily_production {where}"
        row = conn.execute(sql.encode(), params).fetchone()
    return int(row[0]) if row else 0


def _sizes(url: str) -> tuple[float, float, int]:
    """The database's size, the daily table's (all partitions, indexes included), in MiB,
    and its number of partitions."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            b"SELECT pg_database_size(current_database()), "
            b"(SELECT sum(pg_total_relation_size(relid)) "
            b" FROM pg_partition_tree('odm_daily_production')), "
            b"(SELECT count(*) - 1 FROM pg_partition_tree('odm_daily_production'))"
        ).fetchone()
    assert row is not None
    return row[0] / 2**20, float(row[1]) / 2**20, int(row[2])


def plans(data: DataSet) -> str:
    """EXPLAIN ANALYZE of a well's history page and of the division summary."""
    page = (
        "SELECT p.production_date, p.oil FROM odm_daily_production p "
        f"WHERE p.well_id = {data.well_id} AND p.production_date >= DATE '2020-01-01' "
        "ORDER BY p.well_id, p.production_date LIMIT 1000"
    )
    summary = (REPO / "odm" / "queries" / "division_summary.sql").read_text()
    summary = summary.replace("{scope}", "TRUE")
    texts = []
    with psycopg.connect(data.url) as conn:
        for name, sql in (("history page", page), ("division summary", summary)):
            rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}".encode()).fetchall()
            texts.append(f"-- {name} ({data.size})\n" + "\n".join(r[0] for r in rows))
    return "\n\n".join(texts)


def table(results: list[Measured]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| rows | build | disk (daily) | partitions | /division-summary p50 / p99 | "
        "history page p50 / p99 | /well-summary-by-day p50 / p99 | export of one year | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in results:
        build = f"{m.build_s:.0f} s" if m.build_s else "reused"
        lines.append(
            f"| {m.rows:,} | {build} "
            f"| {m.database_mb / 1024:.1f} GiB ({m.daily_table_mb / 1024:.1f}) | {m.partitions} "
            f"| {m.division_summary_p50_ms:.1f} / {m.division_summary_p99_ms:.1f} ms "
            f"| {m.history_page_p50_ms:.1f} / {m.history_page_p99_ms:.1f} ms "
            f"| {m.well_by_day_p50_ms:.1f} / {m.well_by_day_p99_ms:.1f} ms "
            f"| {m.export_rows:,} rows in {m.export_s:.1f} s ({m.export_rows_per_s:,.0f} rows/s) "
            f"| {m.load_average} |"
        )
    lines += ["", "| rows | request | p50 | p99 |", "|---|---|---|---|"]
    for m in results:
        for name, (p50, p99) in m.rollups_ms.items():
            lines.append(f"| {m.rows:,} | {name} | {p50:.1f} ms | {p99:.1f} ms |")
    return "\n".join(lines)


def main() -> None:
    """Build (or reuse) each size, measure it, and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1m,10m")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--bulk", default="", help="sizes to write with bench/bulk.py")
    parser.add_argument("--drop", action="store_true", help="drop each database when measured")
    args = parser.parse_args()
    SIZES.update(SIZES_AT_SCALE)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    sizes = [(s, False) for s in args.sizes.split(",") if s]
    for size, by_sql in sizes + [(s, True) for s in args.bulk.split(",") if s]:
        started = time.perf_counter()
        if by_sql:
            data = bulk_dataset(size, args.postgres_url)
        else:
            data = ensure_dataset(size, "postgresql", OUT, args.postgres_url, "odm_history")
        print(f"{size}: ready in {time.perf_counter() - started:.0f} s", flush=True)
        results.append(measure(data))
        (OUT / f"plans-{size}.txt").write_text(plans(data))
        if args.drop:
            _drop(args.postgres_url, data.url)
        print(table(results), flush=True)
    (OUT / "history.json").write_text(json.dumps([asdict(m) for m in results], indent=2))


def bulk_dataset(size: str, admin_url: str) -> DataSet:
    """The size written by bench/bulk.py (reused while its row count is right)."""
    name = f"odm_history_bulk_{size}"
    url = urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    wells = bulk.WELLS[size]
    rows, build_s = bulk.row_count(wells), None
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(b"SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None or _count(url, "", ()) != rows:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
            admin.execute(f'CREATE DATABASE "{name}"'.encode())
            build_s = bulk.build(url, wells)
    with psycopg.connect(url) as conn:
        found = conn.execute(b"SELECT min(well_id) FROM odm_well").fetchone()
        well = conn.execute(b"SELECT well_id, division_id FROM odm_well WHERE well_id = %s", found)
        well_id, division_id = well.fetchone() or (0, 0)
    return DataSet(size, "postgresql", url, rows, well_id, division_id, build_s)


def _drop(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


if __name__ == "__main__":
    main()

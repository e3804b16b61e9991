"""The scenarios: each starts the servers it needs, measures, and returns result records."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.datasets import EXPORT_FIELDS, EXPORT_KEY, DataSet
from bench.dumps import dump
from bench.ingest import (
    bulk_load,
    drop_aggregate_triggers,
    feed_for,
    run_steps,
    scratch_copy,
    writer_key,
)
from bench.latency import measure_latency
from bench.load import run_load
from bench.results import (
    DATASETTE,
    DUMP,
    NAIVE,
    ODM,
    ODM_ROWS,
    ODM_WITHOUT_AGGREGATES,
    SEED_STYLE,
    ExportResult,
    IngestResult,
    LatencyResult,
    LoadResult,
    WriteResult,
)
from bench.servers import (
    HOST,
    ServerSpec,
    datasette_server,
    free_port,
    odm_server,
    running,
    seed_style_server,
)
from bench.transfer import Transfer, client_name, download
from bench.writes import write_rate
from odm.demo import SEED_DIVISION_ID

EXPORT_PATH = "/v1/production/daily"
BIG_EXPORT_ROWS = 5_000_000


@dataclass(frozen=True)
class Plan:
    """What to measure and how long; `--quick` and the smoke test shrink it."""

    export_runs: int = 3
    latency_samples: int = 200
    load_seconds: float = 10.0
    connections: int = 32
    formats: tuple[str, ...] = ("json", "ndjson", "csv", "arrow", "parquet")
    # The formats also measured on the row path (ODM_COLUMNAR=false), in the same run.
    row_formats: tuple[str, ...] = ("json", "ndjson", "csv")
    write_rows: int = 20_000  # daily rows written through the triggers per measurement
    ingest_rows: int = 1_000_000  # NDJSON rows per body posted to ODM's write endpoint
    naive_ingest_rows: int = 100_000  # the naive endpoint's body (it holds all of it)
    # The seed-style baseline holds every row several times over (about 2 GB per million).
    seed_style_max_rows: int = 2_000_000
    results_dir: Path = Path("bench/results")

    def runs(self, rows: int) -> int:
        """Runs per export: one for the largest data sets, whose single run takes long."""
        return 1 if rows >= BIG_EXPORT_ROWS else self.export_runs


def seed_paths(data: DataSet) -> dict[str, str]:
    """The seed endpoints measured for latency, by label."""
    ids = f"well_id={data.well_id}&division_id={data.division_id}"
    return {
        "/well-summary-by-day (seed well)": f"/well-summary-by-day?{ids}",
        "/division-summary": "/division-summary",
        "/well-summary": f"/well-summary?{ids}",
        "/division-list": "/division-list",
    }


ROLLUP = "/v1/production/rollup"
DIVISION_MONTHS = f"{ROLLUP}?level=division&grain=month&division_id={SEED_DIVISION_ID}"
# The rollup, cumulative and budget requests of issue 16, by label: the first five must answer
# under 100 ms at p99 at 10M rows; the last two cut months, so they read daily rows too.
ROLLUP_PATHS = {
    "rollup division × year": f"{ROLLUP}?level=division&grain=year",
    "rollup company × year": f"{ROLLUP}?level=company&grain=year",
    "cumulative division, as_of 2026-10-31": (
        "/v1/production/cumulative?as_of=2026-10-31&level=division"
    ),
    f"rollup division {SEED_DIVISION_ID} × month, 2025": (
        f"{DIVISION_MONTHS}&start=2025-01-01&end=2025-12-31"
    ),
    "budget-vs-actual division × year": "/v1/budget-vs-actual?grain=year&level=division",
    "cumulative division, as_of 2026-10-15 (cut month)": (
        "/v1/production/cumulative?as_of=2026-10-15&level=division"
    ),
    f"rollup division {SEED_DIVISION_ID} × month, 2025-01-15..12-20 (cut months)": (
        f"{DIVISION_MONTHS}&start=2025-01-15&end=2025-12-20"
    ),
}
REQUIRED_ROLLUPS = tuple(ROLLUP_PATHS)[:5]


def export_odm(data: DataSet, plan: Plan, fmt: str) -> ExportResult:
    """ODM's streamed export of every daily row in one format."""
    return _export(data, plan, odm_server, f"{EXPORT_PATH}?format={fmt}", ODM, fmt)


def export_odm_rows(data: DataSet, plan: Plan, fmt: str) -> ExportResult:
    """The same export on ODM's row path (ODM_COLUMNAR=false)."""
    server = partial(odm_server, columnar=False)
    return _export(data, plan, server, f"{EXPORT_PATH}?format={fmt}", ODM_ROWS, fmt)


def export_seed_style(data: DataSet, plan: Plan) -> ExportResult:
    """The seed-style baseline: the same rows, fetched whole, validated, one JSON body."""
    return _export(data, plan, seed_style_server, EXPORT_PATH, SEED_STYLE, "json")


def export_datasette(data: DataSet, plan: Plan) -> ExportResult:
    """Datasette's streamed CSV of the same table, columns and order (SQLite only)."""
    # Datasette always sends the primary key; `_col` adds the other columns ODM sends.
    columns = "&".join(f"_col={name}" for name in EXPORT_FIELDS if name not in EXPORT_KEY)
    path = f"/{data.sqlite_file.stem}/odm_daily_production.csv?_stream=on&_size=max&{columns}"
    return _export(data, plan, datasette_server, path, DATASETTE, "csv")


def export_dump(data: DataSet, plan: Plan, fmt: str = "json") -> ExportResult:
    """The database's own dump of the same rows in the format."""
    runs = [dump(data, fmt) for _ in range(plan.runs(data.rows))]
    median = sorted(runs, key=lambda d: d.wall)[len(runs) // 2]
    return ExportResult(
        data.backend,
        data.size,
        data.rows,
        DUMP,
        fmt,
        median.tool,
        len(runs),
        median.wall,
        None,
        median.size,
        max((d.peak_rss_mb for d in runs if d.peak_rss_mb is not None), default=None),
    )


def _export(
    data: DataSet,
    plan: Plan,
    server: Callable[[DataSet, int], ServerSpec],
    path: str,
    system: str,
    fmt: str,
) -> ExportResult:
    """Start a fresh server, download `path` the planned number of times, keep the median."""
    port = free_port()
    with running(server(data, port), port, plan.results_dir) as live:
        transfers = [download(live.base_url + path) for _ in range(plan.runs(data.rows))]
        peak = live.peak_rss_mb()
    median = _median(transfers)
    return ExportResult(
        data.backend,
        data.size,
        data.rows,
        system,
        fmt,
        client_name(),
        len(transfers),
        median.wall,
        statistics.median(t.ttfb for t in transfers),
        median.size,
        peak,
    )


def _median(transfers: list[Transfer]) -> Transfer:
    return sorted(transfers, key=lambda t: t.wall)[len(transfers) // 2]


def seed_latencies(data: DataSet, plan: Plan) -> list[LatencyResult]:
    """p50 and p99 of the seed endpoints, one request at a time, on one ODM worker."""
    return _latencies(data, plan, seed_paths(data))


def rollup_latencies(data: DataSet, plan: Plan) -> list[LatencyResult]:
    """p50 and p99 of the rollup, cumulative and budget requests, one at a time."""
    return _latencies(data, plan, ROLLUP_PATHS)


def _latencies(data: DataSet, plan: Plan, paths: dict[str, str]) -> list[LatencyResult]:
    port = free_port()
    results = []
    with running(odm_server(data, port), port, plan.results_dir):
        for label, path in paths.items():
            latency = measure_latency(HOST, port, path, plan.latency_samples)
            results.append(
                LatencyResult(
                    data.backend,
                    data.size,
                    label,
                    latency.samples,
                    latency.p50_ms,
                    latency.p99_ms,
                    latency.mean_ms,
                )
            )
    return results


def write_cost(data: DataSet, rows: int) -> WriteResult:
    """What writing daily rows costs: the demo build (a bulk load) and rows/s of multi-row
    INSERTs through the triggers, with the monthly aggregates' triggers and, on a scratch
    copy, without them."""
    rate = asyncio.run(write_rate(data.url, rows))
    with scratch_copy(data, Path(tempfile.gettempdir())) as copy:
        drop_aggregate_triggers(copy)
        before = asyncio.run(write_rate(copy.url, rows))
    return WriteResult(data.backend, data.size, data.rows, data.build_s, rows, rate, before)


def small_request_load(data: DataSet, plan: Plan, workers: int) -> list[LoadResult]:
    """Requests/s and latency of /division-list and /well-summary under concurrency."""
    paths = seed_paths(data)
    port = free_port()
    results = []
    with running(odm_server(data, port, workers), port, plan.results_dir) as live:
        for label in ("/division-list", "/well-summary"):
            url = live.base_url + paths[label]
            load = run_load(url, plan.connections, plan.load_seconds, plan.results_dir / "wrk.log")
            results.append(
                LoadResult(
                    data.backend,
                    data.size,
                    label,
                    workers,
                    load.tool,
                    load.connections,
                    load.seconds,
                    load.requests,
                    load.errors,
                    load.rps,
                    load.p50_ms,
                    load.p99_ms,
                )
            )
    return results


def ingest_rates(data: DataSet, plan: Plan) -> list[IngestResult]:
    """Rows/s of NDJSON bodies posted to ODM's write endpoint, with and without the monthly
    aggregates' triggers, beside the database's own bulk load of the same rows and the naive
    per-row endpoint, each over its own scratch copy of the data set."""
    results = []
    for system, aggregates in ((ODM, True), (ODM_WITHOUT_AGGREGATES, False)):
        with scratch_copy(data, plan.results_dir) as copy:
            if not aggregates:
                drop_aggregate_triggers(copy)
            key = writer_key(copy.url)
            port = free_port()
            with running(odm_server(copy, port), port, plan.results_dir) as live:
                rss = live.peak_rss_mb
                results += run_steps(copy, live.base_url, key, plan.ingest_rows, rss, system)
    with scratch_copy(data, plan.results_dir) as copy:
        results.append(bulk_load(copy, feed_for(copy, plan.ingest_rows), plan.results_dir))
    with scratch_copy(data, plan.results_dir) as copy:
        port = free_port()
        with running(seed_style_server(copy, port), port, plan.results_dir) as live:
            rss = live.peak_rss_mb
            rows = plan.naive_ingest_rows
            results += run_steps(copy, live.base_url, "", rows, rss, NAIVE)
    return results

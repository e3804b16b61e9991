"""Prometheus metrics of the service: what `/metrics` exposes.

The metric objects are module-level, as prometheus-client intends: each process has one set
whatever the number of apps it builds (tests build many), and counters only ever grow. With
`odm serve --workers N` the serve command points PROMETHEUS_MULTIPROC_DIR at a fresh folder
before the workers start; every worker then writes its values to files there, and a scrape
of any worker sums them all (`render`).
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from odm.db.base import PoolStats

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Small requests answer in milliseconds, exports in seconds to minutes.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

REQUESTS = Counter(
    "odm_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "odm_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response (a whole export included).",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS_IN_PROGRESS = Gauge(
    "odm_http_requests_in_progress",
    "HTTP requests received and not yet answered in full, by method (a draining process "
    "shows what it is still finishing).",
    ["method"],
    multiprocess_mode="livesum",
)
ROWS_STREAMED = Counter("odm_rows_streamed", "Rows sent in streamed lists, by query.", ["query"])
BYTES_STREAMED = Counter(
    "odm_bytes_streamed", "Body bytes sent in streamed lists, by query.", ["query"]
)
ACTIVE_STREAMS = Gauge(
    "odm_active_streams", "Streamed lists being sent right now.", multiprocess_mode="livesum"
)
FEED_SUBSCRIBERS = Gauge(
    "odm_feed_subscribers",
    "Clients following the change feed (Server-Sent Events) right now.",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "odm_db_connections_in_use",
    "Database connections (SQLite: worker threads) lent out right now.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "odm_db_connections_waiting",
    "Requests waiting for a database connection right now.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "odm_db_connections_open",
    "Database connections open (PostgreSQL and Oracle pools).",
    multiprocess_mode="livesum",
)
INGEST_BLOCKS = Counter(
    "odm_ingest_blocks",
    "Blocks of NDJSON lines written, by table and how they were read: in columns (the fast "
    "path) or record by record (a small block, or one with a record to reject or warn about).",
    ["table", "read"],
)
INGEST_ROWS = Counter(
    "odm_ingest_rows",
    "Rows committed by the write API and file imports, by table and outcome (inserted, "
    "updated, unchanged).",
    ["table", "outcome"],
)
DATABASE_ERRORS = Counter(
    "odm_database_errors",
    "Database failures: unavailable (answered 503), error (answered 500) or a stream cut "
    "mid-response.",
    ["kind"],
)


def observe_pool(stats: PoolStats | None) -> None:
    """Set the pool gauges from a backend's figures (nothing for a backend without them)."""
    if stats is None:
        return
    POOL_IN_USE.set(stats.in_use)
    POOL_WAITING.set(stats.waiting)
    POOL_SIZE.set(stats.size)


def multiprocess_dir() -> Path | None:
    """The folder worker processes share their values in, when serving with workers."""
    folder = os.environ.get(MULTIPROC_VARIABLE)
    return Path(folder) if folder else None


def render() -> bytes:
    """The metrics in Prometheus' text format: this process's, or every worker's summed."""
    folder = multiprocess_dir()
    if folder is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def forget_process(pid: int) -> None:
    """Drop a stopped worker's live gauges (its counters stay in the sums)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]

"""Large writes: NDJSON daily rows posted to `POST /v1/production/daily` of a real server.

Each step posts one body, made by a generator as it is sent (the client never holds it), to
a freshly started server over a scratch copy of a data set: new days for every well (insert),
the same body again (unchanged), then new values for those days (update). The wall time runs
from the first byte sent to the whole answer: the write is committed when it is measured.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import orjson
import psycopg

from bench.datasets import DataSet
from bench.results import BULK, NAIVE, IngestResult
from odm.auth.identity import Role
from odm.auth.keystore import create_key
from odm.config import Settings
from odm.db import open_database

WRITE_PATH = "/v1/production/daily"
NDJSON = "application/x-ndjson"
LINES_PER_CHUNK = 2000
VALUE_VARIANTS = 9973  # distinct value tails (a prime: rows of one well differ day to day)
STEPS = ("insert", "unchanged", "update")
BULK_COLUMNS = (
    "well_id",
    "production_date",
    "hours_on",
    "oil",
    "gas",
    "water",
    "water_injected",
    "oil_sold",
    "sales_value",
)


@dataclass(frozen=True)
class Feed:
    """The rows of one body: days after `first_day` for every well, well by well and day
    by day (the order of ODM's own export, as a copy from one system to another sends
    them), `rows` in all."""

    wells: tuple[int, ...]
    first_day: dt.date
    rows: int
    scale: float = 1.0  # values multiplied by this (another value for every row)

    @property
    def days(self) -> int:
        """Days per well (the last well may have fewer)."""
        return -(-self.rows // len(self.wells))

    def chunks(self) -> Iterator[bytes]:
        """The body as NDJSON, a few thousand lines per chunk, made as they are sent."""
        # Lines are joined from ready-made pieces: the client, on the same cores as the
        # server, spends a fraction of a microsecond per row instead of formatting floats.
        dates = [(self.first_day + dt.timedelta(days=d)).isoformat() for d in range(self.days)]
        tails = [self._values(i) for i in range(VALUE_VARIANTS)]
        lines: list[str] = []
        for n in range(self.rows):
            well, day = divmod(n, self.days)
            if day == 0:
                head = f'{{"well_id":{self.wells[well]},"production_date":"'
            lines.append(head + dates[day] + tails[n % VALUE_VARIANTS])
            if len(lines) == LINES_PER_CHUNK:
                yield "".join(lines).encode()
                lines = []
        if lines:
            yield "".join(lines).encode()

    def _values(self, i: int) -> str:
        """The rest of a line after the date: plausible values, one variant of many."""
        oil = (50 + i % 997 * 0.75) * self.scale
        price = 60 + i % 37 * 0.5
        hours = 24.0 if i % 23 else 12.5
        return (
            f'","hours_on":{hours},"oil":{oil:.2f},"gas":{oil * 1.4:.2f},'
            f'"water":{oil * 0.3:.2f},"water_injected":null,"oil_sold":{oil:.2f},'
            f'"sales_value":{oil * price:.2f}}}\n'
        )


@dataclass(frozen=True)
class Posted:
    """What one post took and answered."""

    wall_s: float
    body_bytes: int
    status: int
    answer: dict[str, object]


def post(url: str, key: str, feed: Feed) -> Posted:
    """Post the feed's body as NDJSON (chunked, made while sent); raise unless 200."""
    sent = 0

    def counted() -> Iterator[bytes]:
        nonlocal sent
        for chunk in feed.chunks():
            sent += len(chunk)
            yield chunk

    headers = {"Authorization": f"Bearer {key}", "Content-Type": NDJSON}
    with httpx.Client(timeout=httpx.Timeout(3600.0)) as client:
        started = time.perf_counter()
        response = client.post(url, content=counted(), headers=headers)
        wall = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"POST {url}: HTTP {response.status_code}: {response.text[:500]}")
    return Posted(wall, sent, response.status_code, dict(response.json()))


def feed_for(data: DataSet, rows: int) -> Feed:
    """New days, after the data set's last one, for each of its wells."""
    sql_wells = "SELECT well_id FROM odm_well ORDER BY well_id"
    sql_last = "SELECT MAX(production_date) FROM odm_daily_production"
    if data.backend == "sqlite":
        with closing(sqlite3.connect(data.sqlite_file)) as conn:
            wells = tuple(int(r[0]) for r in conn.execute(sql_wells))
            last = dt.date.fromisoformat(conn.execute(sql_last).fetchone()[0])
    else:
        with psycopg.connect(data.url) as pg:
            wells = tuple(int(r[0]) for r in pg.execute(sql_wells))
            row = pg.execute(sql_last).fetchone()
            assert row is not None
            last = row[0]
    return Feed(wells, last + dt.timedelta(days=1), rows)


@contextmanager
def scratch_copy(data: DataSet, folder: Path) -> Iterator[DataSet]:
    """A copy of the data set that a write may change, dropped afterwards."""
    copy = _sqlite_copy if data.backend == "sqlite" else _postgres_copy
    with copy(data, folder) as url:
        yield replace(data, url=url)


@contextmanager
def _sqlite_copy(data: DataSet, folder: Path) -> Iterator[str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"odm-ingest-{uuid.uuid4().hex[:8]}.db"
    with closing(sqlite3.connect(data.sqlite_file)) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
    try:
        yield f"sqlite:///{path.resolve()}"
    finally:
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


@contextmanager
def _postgres_copy(data: DataSet, _folder: Path) -> Iterator[str]:
    # CREATE DATABASE ... TEMPLATE copies the files: seconds, where a reload takes minutes.
    parts = urlsplit(data.url)
    base = parts.path.lstrip("/")
    name = f"odm_bench_ingest_{uuid.uuid4().hex[:8]}"
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"'.encode())
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


# The triggers that keep the monthly aggregates (schema version 6) from the daily rows: a
# copy without them writes as ODM did before the aggregates (the totals are kept still).
AGGREGATE_TRIGGERS = {
    "sqlite": (
        "odm_agg_daily_insert",
        "odm_agg_daily_delete",
        "odm_agg_daily_update",
        "odm_agg_daily_move",
        "odm_agg_well_month_insert",
        "odm_agg_well_month_update",
        "odm_agg_well_month_delete",
    ),
    "postgresql": (
        "odm_well_months_insert ON odm_daily_production",
        "odm_well_months_update ON odm_daily_production",
        "odm_well_months_delete ON odm_daily_production",
    ),
}


def drop_aggregate_triggers(data: DataSet) -> None:
    """Drop the monthly aggregates' triggers of a scratch copy (see AGGREGATE_TRIGGERS)."""
    statements = [f"DROP TRIGGER {name}" for name in AGGREGATE_TRIGGERS[data.backend]]
    if data.backend == "sqlite":
        with closing(sqlite3.connect(data.sqlite_file)) as conn, conn:
            for statement in statements:
                conn.execute(statement)
        return
    with psycopg.connect(data.url) as pg:
        for statement in statements:
            pg.execute(statement.encode())


def writer_key(url: str, name: str = "bench-writer") -> str:
    """A new writer API key for every division, made in the database at `url`."""

    async def make() -> str:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        try:
            return (await create_key(db, name, Role.WRITER, None)).text
        finally:
            await db.close()

    return asyncio.run(make())


def daily_row_count(data: DataSet) -> int:
    """The data set's daily rows now."""
    sql = "SELECT COUNT(*) FROM odm_daily_production"
    if data.backend == "sqlite":
        with closing(sqlite3.connect(data.sqlite_file)) as conn:
            return int(conn.execute(sql).fetchone()[0])
    with psycopg.connect(data.url) as pg:
        row = pg.execute(sql).fetchone()
        return int(row[0]) if row else 0


def run_steps(
    data: DataSet, base_url: str, key: str, rows: int, rss: Callable[[], float], system: str
) -> list[IngestResult]:
    """Insert new days, post the same body again, then new values for those days."""
    first = feed_for(data, rows)
    feeds = {"insert": first, "unchanged": first, "update": replace(first, scale=1.25)}
    results = []
    for step in STEPS if system != NAIVE else ("insert", "update"):
        posted = (post if system != NAIVE else post_array)(base_url + WRITE_PATH, key, feeds[step])
        results.append(
            IngestResult(
                data.backend,
                data.size,
                system,
                step,
                rows,
                posted.body_bytes / 1e6,
                posted.wall_s,
                rss(),
                _counts(posted.answer),
            )
        )
    return results


def bulk_load(data: DataSet, feed: Feed, folder: Path) -> IngestResult:
    """The database's own bulk load of the same new rows, no service in between: the floor
    of any write API on this machine. PostgreSQL: `psql \\copy` of a CSV file; SQLite: the
    rows (already typed) inserted by the driver's executemany in one transaction."""
    records = [orjson.loads(line) for chunk in feed.chunks() for line in chunk.splitlines()]
    rows = [tuple(r[c] for c in BULK_COLUMNS) for r in records]
    del records
    if data.backend == "sqlite":
        marks = ", ".join("?" for _ in BULK_COLUMNS)
        sql = f"INSERT INTO odm_daily_production ({', '.join(BULK_COLUMNS)}) VALUES ({marks})"
        with closing(sqlite3.connect(data.sqlite_file)) as conn:
            started = time.perf_counter()
            with conn:
                conn.executemany(sql, rows)
            wall = time.perf_counter() - started
        return _bulk_result(data, "sqlite3 executemany", len(rows), wall)
    csv_file = folder / f"bulk-{uuid.uuid4().hex[:8]}.csv"
    with csv_file.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    try:
        copy = f"\\copy odm_daily_production ({', '.join(BULK_COLUMNS)}) FROM '{csv_file}' CSV"
        started = time.perf_counter()
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", data.url, "-c", copy], check=True)
        wall = time.perf_counter() - started
    finally:
        csv_file.unlink(missing_ok=True)
    return _bulk_result(data, "psql \\copy", len(rows), wall)


def _bulk_result(data: DataSet, tool: str, rows: int, wall: float) -> IngestResult:
    return IngestResult(
        data.backend,
        data.size,
        f"{BULK} ({tool})",
        "insert",
        rows,
        0.0,
        wall,
        0.0,
        f"{rows:,} rows",
    )


def _counts(answer: dict[str, object]) -> str:
    keys = ("inserted", "updated", "unchanged", "rejected", "written")
    return ", ".join(f"{k} {answer[k]:,}" for k in keys if isinstance(answer.get(k), int))


def post_array(url: str, _key: str, feed: Feed) -> Posted:
    """The same rows as one JSON array, for the naive endpoint (which reads it whole)."""
    sent = 0

    def array() -> Iterator[bytes]:
        nonlocal sent
        separator = b"["
        for chunk in feed.chunks():
            body = separator + chunk.rstrip(b"\n").replace(b"\n", b",")
            separator = b","
            sent += len(body)
            yield body
        sent += 1
        yield b"]"

    with httpx.Client(timeout=httpx.Timeout(3600.0)) as client:
        started = time.perf_counter()
        response = client.post(url, content=array(), headers={"Content-Type": "application/json"})
        wall = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"POST {url}: HTTP {response.status_code}: {response.text[:500]}")
    return Posted(wall, sent, response.status_code, dict(response.json()))

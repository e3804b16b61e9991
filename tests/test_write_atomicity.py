"""A large write is all or nothing even when its server dies: SIGKILL during the upload,
right after it, and while the write's transaction runs leaves either every day of that
request or none, and every well's totals equal fresh sums of its rows.

Real servers (keys required, a writer key made in the database) on SQLite and PostgreSQL,
each killed and started again on the same database.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx2 as httpx
import psycopg
import pytest

from bench.ingest import Feed
from odm.auth.identity import Role
from odm.db.sqlite import sqlite_path
from odm.demo import DemoData
from tests.access import make_key_sync
from tests.server import Server, running_server

ROWS = 200_000
DAILY = "/v1/production/daily"
TOTALS = {  # the API's life-to-date field -> the SQL that sums the daily rows afresh
    "days_on_record": "COUNT(*)",
    "cumulative_hours_on": "COALESCE(SUM(hours_on), 0)",
    "cumulative_oil": "COALESCE(SUM(oil), 0)",
    "cumulative_gas": "COALESCE(SUM(gas), 0)",
    "cumulative_water": "COALESCE(SUM(water), 0)",
    "cumulative_water_injected": "COALESCE(SUM(water_injected), 0)",
}
FRESH_SUMS = (
    f"SELECT well_id, {', '.join(TOTALS.values())} FROM odm_daily_production GROUP BY well_id"
)
# The write's big statement, as PostgreSQL lists it while it runs.
MOVING = (
    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'odm' AND state = 'active' "
    "AND query LIKE 'INSERT INTO odm_daily_production%'"
)
ODM_SESSIONS = (
    "SELECT COUNT(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND application_name = 'odm'"
)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query on the test database, outside any server."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(sqlite_path(url))) as conn:
            return conn.execute(sql).fetchall()
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql.encode()).fetchall()


def writing(url: str) -> bool:
    """Whether a write's transaction is moving rows into the daily table right now."""
    if not url.startswith("sqlite"):
        return bool(query(url, MOVING))
    # A write's transaction holds SQLite's write lock; staging into TEMP tables does not.
    with closing(sqlite3.connect(sqlite_path(url), timeout=0, isolation_level=None)) as conn:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        conn.execute("ROLLBACK")
        return False


class Killer:
    """Sends a body and SIGKILLs its server at one point of the write."""

    def __init__(self, server: Server, url: str, when: str) -> None:
        self.server, self.url, self.when = server, url, when
        self.sent_all = threading.Event()
        self.done = threading.Event()
        self.killed = False

    def kill(self) -> None:
        if self.server.process.poll() is None:
            os.kill(self.server.process.pid, signal.SIGKILL)
            self.killed = True

    def body(self, chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
        """The chunks, killing the server part-way if asked (the rest then fails to send)."""
        sent = 0
        for chunk in chunks:
            if self.when == "upload" and sent >= size * 0.4:
                self.kill()
            sent += len(chunk)
            yield chunk
        if self.when == "uploaded":
            self.kill()
        self.sent_all.set()

    def watch(self) -> None:
        """Kill as soon as the write's transaction is seen moving the rows."""
        self.sent_all.wait()
        deadline = time.monotonic() + 120
        while not self.done.is_set() and time.monotonic() < deadline:
            if writing(self.url):
                self.kill()
                return
            time.sleep(0.002)


def post_killed(url: str, key: str, feed: Feed, when: str) -> bool:
    """Post the feed to a new server killed at `when`; whether it was killed."""
    size = sum(len(chunk) for chunk in feed.chunks())
    with running_server(url, ODM_AUTH="required") as server:
        killer = Killer(server, url, when)
        watcher = threading.Thread(target=killer.watch, daemon=True)
        if when == "transaction":
            watcher.start()
        try:
            response = post(server, key, killer.body(feed.chunks(), size))
            assert response.status_code == 200, response.text
        except httpx.TransportError:
            assert killer.killed
        finally:
            killer.done.set()
            killer.sent_all.set()
        if watcher.is_alive():
            watcher.join()
    return killer.killed


def post(server: Server, key: str, content: Iterator[bytes]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
    return httpx.post(server.url + DAILY, content=content, headers=headers, timeout=300)


def wait_for_sessions_to_end(url: str) -> None:
    """PostgreSQL rolls a dead client's transaction back once its statement ends."""
    if url.startswith("sqlite"):
        return
    deadline = time.monotonic() + 120
    while query(url, ODM_SESSIONS)[0][0] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert query(url, ODM_SESSIONS)[0][0] == 0, "a killed server's session lives on"


def check(url: str, key: str, feed: Feed, allowed: set[int]) -> int:
    """The request's days are all there or none, and the API's totals are fresh sums."""
    headers = {"Authorization": f"Bearer {key}"}
    with running_server(url, ODM_AUTH="required") as server:
        page = httpx.get(
            server.url + DAILY,
            params={"start": feed.first_day.isoformat(), "limit": 1},
            headers=headers | {"Prefer": "count=exact"},
            timeout=60,
        )
        found = int(page.headers["x-total-count"])
        assert found in allowed, f"{found:,} of the request's {feed.rows:,} days are stored"
        wells = httpx.get(server.url + "/v1/wells", headers=headers, timeout=60).json()
    fresh = {row[0]: row[1:] for row in query(url, FRESH_SUMS)}
    for well in wells:
        sums = fresh.get(well["well_id"], (0,) * len(TOTALS))
        for (field, _), expected in zip(TOTALS.items(), sums, strict=True):
            assert math.isclose(well[field], expected, rel_tol=1e-11, abs_tol=1e-9), (
                f"well {well['well_id']} {field}: the API says {well[field]}, the rows sum "
                f"to {expected}"
            )
    return found


def new_days(url: str, data: DemoData) -> Feed:
    """ROWS new days after the demo's last, for every demo well."""
    wells = tuple(sorted(int(row[0]) for row in query(url, "SELECT well_id FROM odm_well")))
    return Feed(wells, data.spec.end + dt.timedelta(days=1), ROWS)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_write_leaves_all_its_rows_or_none(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, data = fresh_database
    key = make_key_sync(url, "loader", Role.WRITER)
    feed = new_days(url, data)
    stored = check(url, key, feed, {0})
    for when in ("upload", "uploaded", "transaction"):
        assert post_killed(url, key, feed, when), f"the server answered before the {when} kill"
        wait_for_sessions_to_end(url)
        stored = check(url, key, feed, {0} if when == "upload" else {0, ROWS})
    with running_server(url, ODM_AUTH="required") as server:
        answer = post(server, key, feed.chunks()).json()
    assert (answer["inserted"], answer["unchanged"]) == ((0, ROWS) if stored else (ROWS, 0))
    assert check(url, key, feed, {ROWS}) == ROWS

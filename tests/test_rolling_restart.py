"""A rolling restart (SIGHUP to `odm serve --workers 2`: each worker replaced in turn, the
new one answering before the old one gets SIGTERM) loses no acknowledged write, and a feed
subscriber that reconnects when told to receives every change once, in order."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from odm.auth.identity import Role
from odm.demo import SEED_WELL_ID, DemoData
from tests.access import make_key_sync
from tests.backends import empty_database, load_demo_sync
from tests.server import Server, serving_workers, worker_pids
from tests.test_write_atomicity import query

pytestmark = pytest.mark.slow
FIRST_DAY = dt.date(2033, 1, 1)


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[tuple[str, DemoData]]:
    if backend == "oracle":
        pytest.skip("server-process tests run on the embedded and PostgreSQL backends")
    with empty_database(backend, tmp_path) as url:
        yield url, load_demo_sync(url)


class Follower:
    """A feed subscriber that reconnects with Last-Event-ID whenever its stream ends."""

    def __init__(self, server: Server, after: int) -> None:
        self.server = server
        self.ids: list[int] = []
        self.last = after
        self.reconnects = 0
        self.connected = threading.Event()
        self.until: int | None = None  # stop once this id has arrived

    def run(self) -> None:
        while self.until is None or self.last < self.until:
            headers = {"Last-Event-ID": str(self.last)}
            try:
                with httpx.stream(
                    "GET", self.server.url + "/v1/changes", headers=headers, timeout=5
                ) as feed:
                    self.connected.set()
                    self._read(feed)
            except httpx.TransportError:
                pass  # a worker going away between two events, or a quiet stream's timeout

    def _read(self, feed: httpx.Response) -> None:
        for line in feed.iter_lines():
            if line.startswith("id:"):
                self.last = int(line[3:])
                self.ids.append(self.last)
            elif line == "event: reconnect":
                self.reconnects += 1
            if self.until is not None and self.last >= self.until:
                return


def write_day(server: Server, headers: dict[str, str], n: int) -> bool:
    """Write one day; whether the service acknowledged it."""
    day = {"well_id": SEED_WELL_ID, "production_date": str(FIRST_DAY + dt.timedelta(n))}
    try:
        response = httpx.post(server.url + "/v1/production/daily", json=[day], headers=headers)
    except httpx.TransportError:
        return False
    return response.status_code == 200


def test_a_rolling_restart_loses_no_write_and_no_event(
    backend: str, database: tuple[str, DemoData]
) -> None:
    url, _ = database
    writer = {"Authorization": f"Bearer {make_key_sync(url, 'writer', Role.WRITER)}"}
    start = int(query(url, "SELECT last_id FROM odm_change_counter")[0][0])
    acknowledged: list[int] = []
    with serving_workers(url, 2, ODM_SHUTDOWN_GRACE="1") as server, ThreadPoolExecutor(1) as pool:
        follower = Follower(server, start)
        following = pool.submit(follower.run)
        try:
            assert follower.connected.wait(30)
            before = worker_pids(server)
            n, restarting = 0, False
            deadline = time.monotonic() + 180
            while not restarting or not worker_pids(server).isdisjoint(before):
                if len(acknowledged) >= 10 and not restarting:
                    server.process.send_signal(signal.SIGHUP)
                    restarting = True
                if write_day(server, writer, n):
                    acknowledged.append(n)
                n += 1
                assert time.monotonic() < deadline, "the workers were not replaced"
            for _ in range(10):  # and after the restart
                if write_day(server, writer, n):
                    acknowledged.append(n)
                n += 1
            latest = int(query(url, "SELECT last_id FROM odm_change_counter")[0][0])
        except BaseException:
            follower.until = -1  # it stops at its next event or read timeout: no hang
            raise
        follower.until = latest
        following.result(timeout=120)
    days = {str(FIRST_DAY + dt.timedelta(i)) for i in acknowledged}
    stored = query(
        url,
        "SELECT production_date FROM odm_daily_production WHERE well_id = "
        f"{SEED_WELL_ID} AND production_date >= '{FIRST_DAY}'",
    )
    assert days <= {str(row[0]) for row in stored}
    assert follower.ids == list(range(start + 1, latest + 1))  # each change once, in order
    assert follower.reconnects >= 1

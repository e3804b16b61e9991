"""The change feed: every change once, in commit order, resumable, scoped, across writers and
worker processes; a rolled-back write never appears."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from odm.auth.identity import Role
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync
from tests.polling import until
from tests.server import Server, running_server

pytestmark = pytest.mark.slow
REQUIRED = {"ODM_AUTH": "required", "ODM_RATE_LIMIT": "0", "ODM_FEED_POLL_SECONDS": "0.1"}
# No heartbeat within a reader's 30 s timeout: a test waiting for an event that never comes
# fails on that timeout instead of reading heartbeats for ever.
REQUIRED |= {"ODM_FEED_HEARTBEAT_SECONDS": "120"}
SUMMARY_FIELDS = ("row_count", "well_count", "first_day", "last_day")


@dataclass
class Event:
    id: int | None
    event: str
    data: dict[str, Any]


def events(response: httpx.Response) -> Iterator[Event]:
    """Server-Sent Events from a streaming response (comments and pings skipped)."""
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in fields:
                ident = int(fields["id"]) if fields.get("id") else None
                yield Event(ident, fields.get("event", "message"), json.loads(fields["data"]))
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


def post_day(url: str, key: str, day: str, oil: float, well: int = SEED_WELL_ID) -> None:
    rows = [{"well_id": well, "production_date": day, "oil": oil}]
    answer = httpx.post(f"{url}/v1/production/daily", json=rows, headers=_auth(key), timeout=30)
    assert answer.status_code == 200, answer.text


def warm_up(server: Server, key: str, stream: Iterator[Event]) -> None:
    """A first write, and its event: the server's connections and its listener are up (a
    first write also pays for what a server does once), so what is timed next is a write's
    way to a subscriber alone."""
    post_day(server.url, key, "2030-12-31", 1.0)
    assert next(stream).data["payload"]["production_date"] == "2030-12-31"


def until_gone(server: Server, key: str) -> bool:
    """Whether the feed soon answers 410 Gone to a reader from the start (pruned)."""

    def gone() -> bool:
        params = {"format": "json", "after": 0}
        url = f"{server.url}/v1/changes"
        return httpx.get(url, params=params, headers=_auth(key), timeout=30).status_code == 410

    return until(gone, 60, every=0.2) is not None


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextmanager
def subscribed(server: Server, key: str, **params: Any) -> Iterator[Iterator[Event]]:
    headers = _auth(key) | params.pop("headers", {})
    with httpx.stream(
        "GET", f"{server.url}/v1/changes", params=params, headers=headers, timeout=30
    ) as response:
        assert response.status_code == 200, response.read()
        yield events(response)


@pytest.fixture
def feed(fresh_database: tuple[str, DemoData]) -> Iterator[tuple[Server, str, str]]:
    url, _ = fresh_database
    key = make_key_sync(url, "feed-admin", Role.ADMIN)
    with running_server(url, **REQUIRED) as server:
        yield server, key, url


def test_a_subscriber_sees_a_write_within_a_second(feed: tuple[Server, str, str]) -> None:
    server, key, _ = feed
    with subscribed(server, key) as stream:
        warm_up(server, key, stream)
        started = time.monotonic()
        post_day(server.url, key, "2031-01-01", 12.5)
        event = next(stream)
        assert time.monotonic() - started < 1.0
    assert event.event == "change" and event.data["entity"] == "daily_production"
    assert event.data["division_id"] == SEED_DIVISION_ID
    payload = event.data["payload"]
    assert (payload["production_date"], payload["oil"]) == ("2031-01-01", 12.5)
    assert payload["well_totals"]["oil"] > 12.5  # the well's new life-to-date total


def test_a_commit_wakes_the_feed_without_polling(fresh_database: tuple[str, DemoData]) -> None:
    """The log is read 30 s apart at most here: only the commit's own signal (PostgreSQL's
    NOTIFY, SQLite's files changing) can bring the event within a second."""
    url, _ = fresh_database
    key = make_key_sync(url, "feed-woken", Role.ADMIN)
    slow_poll = REQUIRED | {"ODM_FEED_POLL_SECONDS": "30"}
    with running_server(url, **slow_poll) as server, subscribed(server, key) as stream:
        warm_up(server, key, stream)
        started = time.monotonic()
        post_day(server.url, key, "2031-02-01", 3.5)
        event = next(stream)
        assert time.monotonic() - started < 1.0
    assert event.data["payload"]["production_date"] == "2031-02-01"


def test_resuming_during_concurrent_writes_misses_and_repeats_nothing(
    feed: tuple[Server, str, str],
) -> None:
    server, key, _ = feed

    def write_days(w: int) -> None:
        for d in range(1, 16):
            post_day(server.url, key, f"2032-{w + 1:02d}-{d:02d}", float(d))

    seen: list[int] = []
    with ThreadPoolExecutor(3) as pool:
        writers = [pool.submit(write_days, w) for w in range(3)]
        try:
            last = 0
            while len(seen) < 45:  # reconnect after every few events, resuming after the last
                headers = {"Last-Event-ID": str(last)}
                with subscribed(server, key, headers=headers) as stream:
                    for _ in range(4):
                        event = next(stream)
                        seen.append(event.id or 0)
                        last = event.id or 0
                        if len(seen) == 45:
                            break
        finally:
            for written in writers:
                written.result(timeout=120)  # a writer's failure is this test's
    assert seen == list(range(1, 46))  # every change exactly once, in order, no gap


def test_two_worker_processes_serve_the_same_sequence(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    key = make_key_sync(url, "feed-admin", Role.ADMIN)
    with running_server(url, **REQUIRED) as one, running_server(url, **REQUIRED) as two:
        for day in range(1, 6):
            post_day((one if day % 2 else two).url, key, f"2033-01-{day:02d}", float(day))
        heard = []
        for server in (one, two):
            with subscribed(server, key, after=0) as stream:
                heard.append([next(stream).data["payload"]["production_date"] for _ in range(5)])
    assert heard[0] == heard[1] == [f"2033-01-{d:02d}" for d in range(1, 6)]


def test_a_rolled_back_write_never_appears(fresh_client: TestClient) -> None:
    good = [{"well_id": SEED_WELL_ID, "production_date": "2034-01-01", "oil": 1.0}]
    bad = [*good, {"well_id": SEED_WELL_ID, "production_date": "2034-01-02", "oil": "x"}]
    assert fresh_client.post("/v1/production/daily", json=bad).status_code == 422
    assert fresh_client.post("/v1/production/daily", json=good).status_code == 200
    unchanged = fresh_client.post("/v1/production/daily", json=good).json()
    assert unchanged["unchanged"] == 1
    page = fresh_client.get("/v1/changes", params={"format": "json", "after": 0}).json()
    assert [c["change_id"] for c in page] == [1]
    assert page[0]["payload"]["production_date"] == "2034-01-01"


def test_pages_scope_and_large_writes(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, data = fresh_database
    other = next(w for w in data.wells if w.division_id != SEED_DIVISION_ID)
    same = next(
        w for w in data.wells if w.division_id == SEED_DIVISION_ID and w.well_id != SEED_WELL_ID
    )
    days = [f"2035-01-{d:02d}" for d in range(1, 31)]
    rows = [
        {"well_id": w, "production_date": d, "oil": 1.0}
        for w in (SEED_WELL_ID, other.well_id)
        for d in days
    ]
    rows += [{"well_id": same.well_id, "production_date": d, "oil": 1.0} for d in days[5:15]]
    assert fresh_client.post("/v1/production/daily", json=rows).json()["inserted"] == 70
    fresh_client.post("/v1/wells", json={"well_name": "F-9", "division_id": SEED_DIVISION_ID})
    everything = fresh_client.get("/v1/changes", params={"format": "json", "after": 0}).json()
    bulk = [c for c in everything if c["kind"] == "bulk"]
    assert {c["division_id"] for c in bulk} == {SEED_DIVISION_ID, other.division_id}
    by_division = {c["division_id"]: c["payload"] for c in bulk}
    summaries = {
        division: {k: by_division[division][k] for k in SUMMARY_FIELDS} for division in by_division
    }
    assert summaries == {
        SEED_DIVISION_ID: {"row_count": 40, "well_count": 2, "first_day": days[0]}
        | {"last_day": days[-1]},
        other.division_id: {"row_count": 30, "well_count": 1, "first_day": days[0]}
        | {"last_day": days[-1]},
    }
    reader = make_key_sync(url, "reader-63", Role.READER, frozenset({SEED_DIVISION_ID}))
    scoped = fresh_client.get(
        "/v1/changes", params={"format": "json", "after": 0}, headers=_auth(reader)
    ).json()
    assert {c["division_id"] for c in scoped} == {SEED_DIVISION_ID}
    wells_only = fresh_client.get(
        "/v1/changes", params={"format": "json", "after": 0, "entity": "well"}
    ).json()
    assert [c["entity"] for c in wells_only] == ["well"]


def test_a_reader_behind_the_retention_is_told_to_reload(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    key = make_key_sync(url, "feed-admin", Role.ADMIN)
    retention = REQUIRED | {"ODM_CHANGE_RETENTION_DAYS": str(2 / 86400)}  # two seconds
    with running_server(url, **retention) as server:
        for day in range(1, 4):
            post_day(server.url, key, f"2036-01-{day:02d}", 1.0)
        # Past the retention, and a prune (every second here): the feed then has nothing
        # from the start to give.
        assert until_gone(server, key), "the changes were not pruned within a minute"
        post_day(server.url, key, "2036-01-04", 1.0)
        time.sleep(1.5)
        with subscribed(server, key, after=0) as stream:
            reset = next(stream)
        page = httpx.get(
            f"{server.url}/v1/changes", params={"format": "json", "after": 0}, headers=_auth(key)
        )
    assert reset.event == "reset" and reset.id == 4
    assert page.status_code == 410 and page.json()["latest"] == 4

"""The change feed's fan-out: what many subscribers share (one read of the log per batch,
one validity check per key) and the reader's race with a commit."""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from typing import Any

import httpx2 as httpx
import pytest

from odm.api.changes import RECHECK_SECONDS
from odm.auth.identity import Role
from odm.config import Settings
from odm.db import open_database
from odm.db.base import Batch, Params
from odm.demo import SEED_DIVISION_ID, DemoData
from odm.feed import log
from odm.feed.hub import latest_id, read_after
from tests.access import make_key_sync
from tests.server import running_server
from tests.test_change_feed import REQUIRED, _auth, events, post_day

pytestmark = pytest.mark.slow
STREAMS = 12


def _stats(url: str, admin: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/v1/changes/stats", headers=_auth(admin), timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_empty_read_racing_a_commit_is_not_taken_for_pruning(
    fresh_database: tuple[str, DemoData],
) -> None:
    """A reader's read finds nothing new, then a write commits before it asks for the last
    id: the entry must be read, not announced as pruned (which would skip it)."""
    url, _ = fresh_database

    async def scenario() -> list[int]:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        real_fetch = db.fetch
        raced = False

        async def fetch(sql: str, params: Params) -> Batch:
            nonlocal raced
            result = await real_fetch(sql, params)
            if "FROM odm_change c" in sql and not result.rows and not raced:
                raced = True  # a real write, committed between the reader's two statements
                async with db.session() as session, session.transaction() as tx:
                    entry = log.Entry("division", "update", {"n": 1}, SEED_DIVISION_ID)
                    await log.append(tx, db.dialect, [entry])
            return result

        db.fetch = fetch  # type: ignore[method-assign]
        try:
            last = await latest_id(db)
            return [c.change_id for c in await read_after(db, last)]
        finally:
            await db.close()

    assert asyncio.run(scenario()) == [1]


def test_streams_of_one_key_share_reads_and_checks_and_end_when_it_is_revoked(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    admin = make_key_sync(url, "feed-admin", Role.ADMIN)
    screen = make_key_sync(url, "screen", Role.READER, frozenset({SEED_DIVISION_ID}))
    # Heartbeats rarer than the client's 30 s read timeout: a stream that is never woken
    # (no tick) fails the test instead of hanging it.
    quiet = REQUIRED | {"ODM_FEED_HEARTBEAT_SECONDS": "120"}
    with running_server(url, **quiet) as server, ExitStack() as stack:
        opened = time.monotonic()
        streams = []
        for _ in range(STREAMS):
            response = stack.enter_context(
                httpx.stream("GET", f"{server.url}/v1/changes", headers=_auth(screen), timeout=30)
            )
            assert response.status_code == 200
            streams.append(events(response))
        before = _stats(server.url, admin)
        for day in range(1, 4):
            post_day(server.url, admin, f"2037-01-{day:02d}", float(day))
        heard = [[next(stream).data["payload"]["oil"] for _ in range(3)] for stream in streams]
        assert heard == [[1.0, 2.0, 3.0]] * STREAMS
        # Revoked: every stream ends (its tick comes without any write), with an `end` event.
        revoked = httpx.delete(f"{server.url}/v1/keys/screen", headers=_auth(admin), timeout=30)
        assert revoked.status_code == 200
        ends = [next(stream) for stream in streams]
        assert [list(stream) for stream in streams] == [[]] * STREAMS  # and then the body ends
        after = _stats(server.url, admin)
        elapsed = time.monotonic() - opened
    assert {e.event for e in ends} == {"end"}
    assert after["subscribers"] == 0
    # No stream read the log itself: the process's reader read it for all of them.
    assert after["catch_ups"] == before["catch_ups"]
    # The key's streams shared its validity checks, where each would have made its own: a
    # check per interval for all of them (and one at the revocation's tick), not one each.
    assert after["key_checks"] <= elapsed / RECHECK_SECONDS + 2


def test_streams_of_other_scopes_in_one_process_each_get_their_own_events(
    fresh_database: tuple[str, DemoData],
) -> None:
    """The process joins a batch's events once per scope and filter: a division's reader and
    an admin, woken by the same batches, still get their own scope's events."""
    url, data = fresh_database
    admin = make_key_sync(url, "feed-admin", Role.ADMIN)
    screen = make_key_sync(url, "screen", Role.READER, frozenset({SEED_DIVISION_ID}))
    other = next(w for w in data.wells if w.division_id != SEED_DIVISION_ID)
    seed_well = next(w for w in data.wells if w.division_id == SEED_DIVISION_ID)
    # Heartbeats rarer than the client's 30 s read timeout: a missing event fails the test.
    quiet = REQUIRED | {"ODM_FEED_HEARTBEAT_SECONDS": "120"}
    with running_server(url, **quiet) as server, ExitStack() as stack:
        streams = {}
        for name, key in (("screen", screen), ("admin", admin), ("screen 2", screen)):
            response = stack.enter_context(
                httpx.stream("GET", f"{server.url}/v1/changes", headers=_auth(key), timeout=30)
            )
            assert response.status_code == 200
            streams[name] = events(response)
        for round_ in range(1, 4):  # each round one batch or two, in either order
            post_day(server.url, admin, f"2038-01-{round_:02d}", 1.0, other.well_id)
            post_day(server.url, admin, f"2038-01-{round_:02d}", 2.0, seed_well.well_id)
        heard = {
            name: [next(stream).data["division_id"] for _ in range(6 if name == "admin" else 3)]
            for name, stream in streams.items()
        }
    assert heard["admin"] == [other.division_id, SEED_DIVISION_ID] * 3
    assert heard["screen"] == heard["screen 2"] == [SEED_DIVISION_ID] * 3

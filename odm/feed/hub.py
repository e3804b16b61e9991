"""Each process reads the change log once for all its subscribers.

A `Hub` runs one background task per process: it waits for a sign of new changes
(PostgreSQL's LISTEN wakes it at commit; SQLite looks at its files every 20 ms; Oracle is
polled), reads what was appended since the last id it holds (one query per batch, whatever
the number of subscribers) and keeps the latest entries in memory, each encoded once as the
event subscribers send. Subscribers read from that window; one that asks for older
entries reads them from the database itself (a catch-up after a reconnect), and one that
asks for entries already pruned is told to reload.

Batches are at least `batch_seconds` apart, and the pause after one is at least as long as
sending it took: under a stream of writes each subscriber is woken, and sends, once per
batch rather than once per write, so the cost of a write does not grow with the
subscribers beyond their share of one send, and sending never takes the whole process.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import logging
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from odm.db.base import Database, DatabaseError, DatabaseUnavailable
from odm.queries import load_sql
from odm.queries.compose import DivisionScope, Query, limited

log = logging.getLogger("odm.feed")
WINDOW = 10_000  # entries kept in memory per process
READ_BATCH = 1000
PRUNE_EVERY = 60.0  # seconds
MAX_SENDS = 10_000  # joined sends kept for the current batch (one per scope and filter)


def stamp(moment: dt.datetime, dialect: str) -> Any:
    """A UTC time as the change log stores it (ISO text ending in Z on SQLite)."""
    if dialect == "sqlite":
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return moment


@dataclass(frozen=True)
class Change:
    """One entry of the change log, as subscribers receive it."""

    change_id: int
    changed_at: str
    division_id: int | None
    entity: str
    kind: str
    well_id: int | None
    payload: dict[str, Any]

    def visible(self, scope: DivisionScope) -> bool:
        """Company-wide entries (prices) are everyone's; the rest their division's."""
        return self.division_id is None or scope.allows(self.division_id)

    def as_json(self) -> dict[str, Any]:
        """The entry as an object."""
        return {
            "change_id": self.change_id,
            "changed_at": self.changed_at,
            "division_id": self.division_id,
            "entity": self.entity,
            "kind": self.kind,
            "well_id": self.well_id,
            "payload": self.payload,
        }

    @cached_property
    def event(self) -> bytes:
        """The entry as a Server-Sent Event (`id`, `event: change`, `data`), encoded once
        per process and sent as is to every subscriber that may see it."""
        # json.dumps escapes line breaks inside strings: the data stays on one line.
        data = json.dumps(self.as_json())
        return f"id: {self.change_id}\r\nevent: change\r\ndata: {data}\r\n\r\n".encode()


class Pruned(Exception):
    """The entries after an id were pruned (past the retention): the reader must reload."""

    def __init__(self, after: int, oldest: int, latest: int) -> None:
        super().__init__(f"changes after {after} were pruned; the log starts at {oldest}")
        self.after, self.oldest, self.latest = after, oldest, latest


def _text_time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return str(value)


def _change(columns: Sequence[str], row: Sequence[Any]) -> Change:
    values = dict(zip((c.lower() for c in columns), row, strict=True))
    return Change(
        int(values["change_id"]),
        _text_time(values["changed_at"]),
        None if values["division_id"] is None else int(values["division_id"]),
        str(values["entity"]),
        str(values["kind"]),
        None if values["well_id"] is None else int(values["well_id"]),
        orjson.loads(values["payload"]),
    )


async def read_after(db: Database, after: int, limit: int = READ_BATCH) -> list[Change]:
    """Entries after an id, in order, from the database; Pruned if some were dropped."""
    changes = await _entries_after(db, after, limit)
    if not changes and after < await latest_id(db):
        # Empty, yet the counter is past `after`: either the entries were pruned, or they
        # committed between the two statements. Every id up to the counter's is committed
        # now, so a second read tells which.
        changes = await _entries_after(db, after, limit)
        if not changes:
            latest = await latest_id(db)
            raise Pruned(after, latest, latest)
    if changes and changes[0].change_id != after + 1:
        raise Pruned(after, changes[0].change_id, changes[-1].change_id)
    return changes


async def _entries_after(db: Database, after: int, limit: int) -> list[Change]:
    base = Query("changes_after", load_sql("changes_after", db.dialect), {"after": after})
    query = limited(base, db.dialect, limit)
    result = await db.fetch(query.sql, query.params)
    return [_change(result.columns, row) for row in result.rows]


async def latest_id(db: Database) -> int:
    """The id of the last change committed."""
    rows = await db.fetch_all(load_sql("last_change_id", db.dialect), {})
    return int(rows[0][0]) if rows else 0


async def first_id_since(db: Database, moment: dt.datetime) -> int | None:
    """The id of the first change committed at or after a time (None: none since)."""
    sql = load_sql("first_change_since", db.dialect)
    rows = await db.fetch_all(sql, {"since": stamp(moment, db.dialect)})
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


class Hub:
    """The change log as this process knows it: the latest entries, and a signal when more
    arrive."""

    def __init__(
        self,
        db: Database,
        poll_seconds: float,
        retention_days: float = 7.0,
        batch_seconds: float = 0.0,
        tick_seconds: float = 2.5,
    ) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.batch_seconds = batch_seconds
        self.tick_seconds = tick_seconds
        self.retention = dt.timedelta(days=retention_days)
        self.pruned_at = 0.0
        self.window: deque[Change] = deque(maxlen=WINDOW)
        self.last_id = 0
        # Replaced by a new one at every batch: setting it wakes every waiting subscriber
        # at once, without a lock each must take in turn.
        self.arrived = asyncio.Event()
        # What the subscribers of each scope and filter send for the entries after an id,
        # joined once per batch for them all (see `encoded`); emptied at every batch.
        self.sends: dict[Hashable, bytes] = {}
        self.task: asyncio.Task[None] | None = None
        self.ticker: asyncio.Task[None] | None = None
        self.reads = 0  # database reads of new entries (one per batch, for all subscribers)
        self.batches = 0  # batches of new entries handed to the subscribers
        self.fanout = 0.0  # seconds the subscribers took to send the last batch
        self.subscribers = 0  # live streams in this process
        self.catch_ups = 0  # reads by a subscriber further back than the window holds
        self.started = False
        self.closing = False  # the process is shutting down: subscribers must reconnect

    async def start(self) -> None:
        """Start following the log from its current end (in the background: a database
        that is slow or down must not hold up the service's start)."""
        self.task = asyncio.create_task(self._follow(), name="odm-feed")
        self.ticker = asyncio.create_task(self._tick(), name="odm-feed-tick")

    async def stop(self) -> None:
        """Stop following the log."""
        for task in (self.task, self.ticker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _follow(self) -> None:
        while not self.started:
            try:
                self.last_id = await latest_id(self.db)
                self.started = True
            except (DatabaseUnavailable, DatabaseError) as exc:
                log.warning("change feed: cannot read the log, retrying: %s", exc)
                await asyncio.sleep(self.poll_seconds)
            except Exception:  # a bug must not end the feed of every subscriber for good
                log.exception("change feed: reading the log failed")
                await asyncio.sleep(self.poll_seconds)
        while True:
            try:
                await self.db.wait_for_changes(self.poll_seconds)
                started = asyncio.get_running_loop().time()
                await self._read_new()
                await self._prune()
                await self._pace(started)
            except (DatabaseUnavailable, DatabaseError) as exc:
                log.warning("change feed: cannot read the log, retrying: %s", exc)
                await asyncio.sleep(self.poll_seconds)
            except Exception:  # a bug must not end the feed of every subscriber for good
                log.exception("change feed: reading the log failed")
                await asyncio.sleep(self.poll_seconds)

    async def _read_new(self) -> None:
        while True:
            try:
                changes = await read_after(self.db, self.last_id)
            except Pruned as exc:  # fell behind the retention: continue from the oldest kept
                self.last_id = exc.oldest - 1
                continue
            self.reads += 1
            if not changes:
                return
            self.window.extend(changes)
            self.last_id = changes[-1].change_id
            self.batches += 1
            self._wake()
            # Every subscriber woken runs (and sends its share) before this sleep returns.
            moment = asyncio.get_running_loop().time()
            await asyncio.sleep(0)
            self.fanout = asyncio.get_running_loop().time() - moment
            if len(changes) < READ_BATCH:
                return

    async def _pace(self, started: float) -> None:
        """Leave `batch_seconds` between batches, and after a batch at least as long as
        sending it took: what commits meanwhile joins the next batch, and with thousands
        of subscribers the sending takes at most half of the process's time (the rest
        serves requests, writes among them)."""
        elapsed = asyncio.get_running_loop().time() - started
        pause = max(self.batch_seconds - elapsed, self.fanout)
        self.fanout = 0.0
        if pause > 0:
            await asyncio.sleep(pause)

    async def _prune(self) -> None:
        """Drop entries past the retention, once a minute (any process may: it is the same
        delete). A reader that needed them is told to reload, never skips silently."""
        now = asyncio.get_running_loop().time()
        if now - self.pruned_at < min(PRUNE_EVERY, self.retention.total_seconds() / 2):
            return
        self.pruned_at = now
        moment = dt.datetime.now(dt.UTC) - self.retention
        cutoff = stamp(moment, self.db.dialect)
        await self.db.execute(load_sql("prune_changes", self.db.dialect), {"cutoff": cutoff})
        # The window follows the log: what a reader may no longer have is not served either.
        while len(self.window) > 1 and self.window[0].changed_at < stamp(moment, "sqlite"):
            self.window.popleft()

    def held_after(self, after: int) -> list[Change] | None:
        """The entries after an id from memory, or None if the window no longer holds them."""
        if not self.started:
            return None
        if after >= self.last_id:
            return []
        if not self.window or self.window[0].change_id > after + 1:
            return None
        # From the newest back: each subscriber pays for the entries it has not seen, not
        # for the whole window, on every batch.
        newer = list(itertools.takewhile(lambda c: c.change_id > after, reversed(self.window)))
        newer.reverse()
        return newer

    async def wait(self, after: int) -> None:
        """Until entries after `after` are held, or the next tick (every `tick_seconds`:
        one timer for the process, not one per subscriber)."""
        if self.last_id <= after:
            await self.arrived.wait()

    def encoded(
        self, changes: Sequence[Change], key: Hashable, wanted: Callable[[Change], bool]
    ) -> bytes:
        """The events of `changes` a subscriber sends, joined once for every subscriber
        that gives the same `key` (its scope and filters) for the same entries: subscribers
        that keep up all ask for the entries of the last batch."""
        if not changes:
            return b""
        entries = (changes[0].change_id, changes[-1].change_id, key)
        found = self.sends.get(entries)
        if found is None:
            found = b"".join(c.event for c in changes if wanted(c))
            if len(self.sends) < MAX_SENDS:
                self.sends[entries] = found
        return found

    def _wake(self) -> None:
        self.sends = {}
        arrived, self.arrived = self.arrived, asyncio.Event()
        arrived.set()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            self._wake()

    def stats(self) -> dict[str, int]:
        """This process's feed counters, for operators and the benchmark."""
        return {
            "subscribers": self.subscribers,
            "log_reads": self.reads,
            "batches": self.batches,
            "catch_ups": self.catch_ups,
            "last_id": self.last_id,
            "held": len(self.window),
        }

    def close(self) -> None:
        """Tell every subscriber, now, that this process is going away."""
        self.closing = True
        self._wake()

"""Read replicas: one Database over a PostgreSQL primary and its streaming replicas.

Everything goes to the primary (writes, the change feed, credentials, schema versions)
except what the API asks for through `for_reads()`: reads that may trail the latest
writes by a bounded time. Those go to a replica that the last periodic check found in
recovery and within the lag bound, in turn; with none, to the primary. A replica that
fails a read before its first rows is marked down and the read goes to the primary, so a
replica stopping costs no request an error.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncGenerator, Sequence
from contextlib import AbstractAsyncContextManager, aclosing, suppress
from dataclasses import dataclass
from typing import Any

from odm.db.base import (
    Batch,
    Database,
    DatabaseError,
    DatabaseUnavailable,
    Params,
    PoolStats,
    Progress,
    Session,
    TableRows,
)
from odm.queries import load_sql

log = logging.getLogger("odm.replicas")


class Delegating(Database):
    """A Database that sends every call to `primary`."""

    def __init__(self, primary: Database) -> None:
        self.primary = primary
        self.dialect = primary.dialect  # type: ignore[misc]
        self.columnar = primary.columnar  # type: ignore[misc]

    async def open(self) -> None:
        await self.primary.open()

    async def close(self) -> None:
        await self.primary.close()

    async def fetch(self, sql: str, params: Params) -> Batch:
        return await self.primary.fetch(sql, params)

    def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        return self.primary.stream(sql, params, batch_rows)

    async def schema_version(self) -> int:
        return await self.primary.schema_version()

    async def apply_migration(self, version: int, script: str) -> bool:
        return await self.primary.apply_migration(version, script)

    async def write_tables(
        self, tables: Sequence[TableRows], progress: Progress, replace: bool = False
    ) -> None:
        await self.primary.write_tables(tables, progress, replace)

    async def execute(self, sql: str, params: Params) -> int:
        return await self.primary.execute(sql, params)

    def session(self) -> AbstractAsyncContextManager[Session]:
        return self.primary.session()

    def pool_stats(self) -> PoolStats | None:
        """The primary's connections (the metrics leave the replicas' pools out)."""
        return self.primary.pool_stats()

    async def wait_for_changes(self, seconds: float) -> None:
        await self.primary.wait_for_changes(seconds)

    async def recompute_totals(self) -> None:
        await self.primary.recompute_totals()

    async def load_column_driver(self) -> None:
        await self.primary.load_column_driver()

    def stream_columns(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any] | None:
        return self.primary.stream_columns(sql, params, batch_rows)


@dataclass
class Replica:
    """A replica's database and what its last check found."""

    name: str  # host:port/database, never the password
    db: Database
    healthy: bool = False
    lag_seconds: float | None = None


class ReplicatedDatabase(Delegating):
    """The primary, plus replicas checked every `check_seconds` for the reads that allow it."""

    def __init__(
        self,
        primary: Database,
        replicas: Sequence[Replica],
        max_lag_seconds: float,
        check_seconds: float,
    ) -> None:
        super().__init__(primary)
        self.replicas = list(replicas)
        self.max_lag_seconds = max_lag_seconds
        self.check_seconds = check_seconds
        self._turns = itertools.cycle(self.replicas)
        self._checker: asyncio.Task[None] | None = None

    async def open(self) -> None:
        await self.primary.open()
        for replica in self.replicas:
            await replica.db.open()
        await self.check()
        self._checker = asyncio.create_task(self._check_periodically())

    async def close(self) -> None:
        if self._checker is not None:
            self._checker.cancel()
            with suppress(asyncio.CancelledError):
                await self._checker
        for replica in self.replicas:
            await replica.db.close()
        await self.primary.close()

    def for_reads(self) -> Database:
        """A healthy replica (each in turn), or the primary when none is."""
        for _ in self.replicas:
            replica = next(self._turns)
            if replica.healthy:
                return ReplicaReads(self.primary, replica)
        return self.primary

    async def check(self) -> None:
        """Check every replica once: in recovery, answering, and within the lag bound."""
        await asyncio.gather(*(self._check(replica) for replica in self.replicas))

    async def _check(self, replica: Replica) -> None:
        was = replica.healthy
        try:
            async with asyncio.timeout(max(1.0, self.check_seconds)):
                batch = await replica.db.fetch(load_sql("replica_state", self.dialect), {})
            state = dict(zip(batch.columns, batch.rows[0], strict=True))
            lag = state["lag_seconds"]
            replica.lag_seconds = None if lag is None else float(lag)
            replica.healthy = bool(state["in_recovery"]) and self._within_bound(lag)
        except (DatabaseUnavailable, DatabaseError, TimeoutError) as exc:
            replica.healthy, replica.lag_seconds = False, None
            if was:
                log.warning("replica %s is down: %s", replica.name, exc)
            return
        if was != replica.healthy:
            log.warning("replica %s %s (lag %s s)", replica.name, _state(replica), lag)

    def _within_bound(self, lag: float | None) -> bool:
        return lag is not None and float(lag) <= self.max_lag_seconds

    async def _check_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.check()
            except Exception:  # a bug here must not freeze the replicas' state for good
                log.exception("checking the replicas failed")
                for replica in self.replicas:
                    replica.healthy = False


def _state(replica: Replica) -> str:
    return "takes reads again" if replica.healthy else "is lagging or not in recovery"


class ReplicaReads(Delegating):
    """Reads on one replica, falling back to the primary when the replica fails before its
    first rows (it is then marked down until a check finds it healthy); writes still go to
    the primary."""

    def __init__(self, primary: Database, replica: Replica) -> None:
        super().__init__(primary)
        self.replica = replica

    async def fetch(self, sql: str, params: Params) -> Batch:
        try:
            return await self.replica.db.fetch(sql, params)
        except DatabaseUnavailable as exc:
            self._mark_down(exc)
            return await self.primary.fetch(sql, params)

    async def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        # Only the first batch may fall back: after it, the response has started, and a
        # failure must cut it (as on the primary) rather than start the rows again.
        rows = self.replica.db.stream(sql, params, batch_rows)
        try:
            first = await anext(rows)
        except DatabaseUnavailable as exc:
            self._mark_down(exc)
            rows = self.primary.stream(sql, params, batch_rows)
            first = await anext(rows)
        async with aclosing(rows):
            yield first
            async for batch in rows:
                yield batch

    def stream_columns(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any] | None:
        batches = self.replica.db.stream_columns(sql, params, batch_rows)
        return None if batches is None else self._columns(batches, sql, params, batch_rows)

    async def _columns(
        self, batches: AsyncGenerator[Any], sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any]:
        # As `stream`: only the first batch may fall back to the primary (whose columnar
        # fetch is the same driver's; where it has none, the replica's error stands).
        try:
            first = await anext(batches)
        except DatabaseUnavailable as exc:
            self._mark_down(exc)
            fallback = self.primary.stream_columns(sql, params, batch_rows)
            if fallback is None:
                raise
            batches = fallback
            first = await anext(batches)
        async with aclosing(batches):
            yield first
            async for batch in batches:
                yield batch

    def _mark_down(self, exc: Exception) -> None:
        if self.replica.healthy:
            log.warning("replica %s failed a read, now down: %s", self.replica.name, exc)
        self.replica.healthy = False

"""A stand-in for python-oracledb's asyncio pool that records what the backend sends.

It answers only what it is told to (rows for statements containing a given text; no rows
otherwise) and notes each statement with the connection's state when it was sent (call
timeout, current schema), so tests can check the backend's side of a session without an
Oracle server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from odm.db.oracle import OracleDatabase


@dataclass
class Sent:
    """One call the backend made: what, and the session's state at that moment."""

    kind: str  # execute, executemany, callproc, commit
    sql: str
    params: Any
    call_timeout: int
    current_schema: str | None


@dataclass
class FakeConnection:
    """The attributes the backend sets, and a log shared with its cursors."""

    log: list[Sent]
    answers: dict[str, list[tuple[Any, ...]]]
    failures: dict[str, Exception] = field(default_factory=dict)
    call_timeout: int = 0
    outputtypehandler: Any = None
    current_schema: str | None = None
    # Data frames (anything with `__arrow_c_stream__`) for statements containing a text.
    frames: dict[str, list[Any]] = field(default_factory=dict)

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    async def fetch_df_batches(
        self, statement: str, parameters: Any = None, size: int | None = None, **options: Any
    ) -> AsyncIterator[Any]:
        self.note(
            "fetch_df_batches", statement, {"parameters": parameters, "size": size, **options}
        )
        for frame in next((f for text, f in self.frames.items() if text in statement), []):
            yield frame

    def note(self, kind: str, sql: str, params: Any = None) -> None:
        self.log.append(Sent(kind, sql, params, self.call_timeout, self.current_schema))

    async def commit(self) -> None:
        self.note("commit", "")


@dataclass
class FakeCursor:
    """Records statements; every query has no rows."""

    conn: FakeConnection
    warning: Any = None
    rowcount: int = 0
    input_sizes: list[Sequence[Any]] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    description: list[tuple[Any, ...]] = field(default_factory=list)  # no columns named

    async def __aenter__(self) -> FakeCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def execute(self, sql: str, params: Any = None) -> None:
        self.conn.note("execute", sql, params)
        for text, error in self.conn.failures.items():
            if text in sql:
                raise error
        self.rows = next((rows for text, rows in self.conn.answers.items() if text in sql), [])

    async def executemany(self, sql: str, rows: Sequence[Any]) -> None:
        self.conn.note("executemany", sql, list(rows))

    def setinputsizes(self, *types: Any) -> None:
        self.input_sizes.append(types)

    async def callproc(self, name: str, params: Sequence[Any]) -> None:
        self.conn.note("callproc", name, list(params))

    def var(self, db_type: Any) -> Any:
        return FakeVar()

    async def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows


class FakeVar:
    """An OUT bind that the fake never fills."""

    def getvalue(self) -> Any:
        return None


class FakePool:
    """Hands out one connection again and again, as a pool reuses a session."""

    def __init__(
        self,
        answers: dict[str, list[tuple[Any, ...]]] | None = None,
        frames: dict[str, list[Any]] | None = None,
    ) -> None:
        self.log: list[Sent] = []
        self.conn = FakeConnection(self.log, answers or {}, frames=frames or {})

    @asynccontextmanager
    async def _acquired(self) -> AsyncIterator[FakeConnection]:
        yield self.conn

    def acquire(self) -> Any:
        return self._acquired()


def recording_backend(
    answers: dict[str, list[tuple[Any, ...]]] | None = None,
    frames: dict[str, list[Any]] | None = None,
    **options: Any,
) -> tuple[OracleDatabase, FakePool]:
    """An OracleDatabase whose pool is a FakePool (never opened against a server)."""
    db = OracleDatabase("oracle://app:pw@db.example:1521/FREEPDB1", **options)
    pool = FakePool(answers, frames)
    db.pool = pool  # type: ignore[assignment]
    return db, pool

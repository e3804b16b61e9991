"""Columnar fetch: a query's rows as Arrow record batches read by an ADBC driver in C++,
never as Python objects (SQLite's, and PostgreSQL's binary COPY).

Both drivers run in a worker thread while the event loop encodes the previous batch. The
column names travel in each batch's schema, as they do in a `Batch`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

import anyio
import anyio.to_thread

from odm.db.base import DatabaseError, DatabaseUnavailable, Params

_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
# PostgreSQL's COPY, which streams a result in binary, takes no parameters: only values
# whose text cannot carry SQL are written into the statement; others keep the row path.
_INLINED = (bool, int, float, dt.date)


def numbered(sql: str, params: Params) -> tuple[str, list[Any]]:
    """`:name` placeholders as SQLite's `?N`, and the values in that order (dates as ISO
    text, the form the schema stores)."""
    order: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"?{order.setdefault(match.group(1), len(order) + 1)}"

    text = _PLACEHOLDER.sub(number, sql)
    values = [params[name] for name in order]
    return text, [v.isoformat() if isinstance(v, dt.date) else v for v in values]


def inlined(sql: str, params: Params) -> str | None:
    """The statement with its parameters written as literals, or None if one is of a type
    whose literal could carry SQL (text)."""
    if not all(type(v) in _INLINED for v in params.values()):
        return None

    def literal(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        if isinstance(value, dt.date):
            return f"DATE '{value.isoformat()}'"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return f"CAST('{value!r}' AS DOUBLE PRECISION)"
        return f"CAST({int(value)} AS BIGINT)"

    return _PLACEHOLDER.sub(literal, sql)


Opener = Callable[[], Any]


async def record_batches(
    connect: Opener,
    statements: Sequence[str],
    sql: str,
    args: Sequence[Any],
    options: dict[str, str],
) -> AsyncGenerator[Any]:
    """The batches of one query on a new ADBC connection: `statements` run first (session
    settings), the connection is closed when the generator ends."""
    conn = await _in_thread(connect)
    cursor = None
    try:
        # The reader reads through the cursor, which must outlive it.
        cursor, reader = await _in_thread(_execute, conn, statements, sql, args, options)
        empty = True
        while (batch := await _in_thread(_next, reader)) is not None:
            empty = False
            yield batch
        if empty:  # an empty result still tells its columns
            yield _no_rows(reader)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_close, cursor, conn)


def _execute(
    conn: Any, statements: Sequence[str], sql: str, args: Sequence[Any], options: dict[str, str]
) -> tuple[Any, Any]:
    cursor = conn.cursor()
    for statement in statements:
        cursor.execute(statement)
    cursor.adbc_statement.set_options(**options)
    cursor.execute(sql, args or None)
    return cursor, cursor.fetch_record_batch()


def _no_rows(reader: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_pylist([], schema=reader.schema)


def _next(reader: Any) -> Any:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None


def _close(cursor: Any, conn: Any) -> None:
    from adbc_driver_manager import Error

    for resource in (cursor, conn):
        with contextlib.suppress(Error):  # a connection that failed is gone already
            if resource is not None:
                resource.close()


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """A driver call in a worker thread, its errors turned into the backend-neutral ones."""
    from adbc_driver_manager import Error, OperationalError
    from pyarrow import ArrowException

    try:
        return await anyio.to_thread.run_sync(function, *args)
    except OperationalError as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    except (Error, ArrowException, OSError) as exc:
        raise DatabaseError(str(exc)) from exc

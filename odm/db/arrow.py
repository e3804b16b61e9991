"""Columnar fetch: a query's rows as Arrow record batches read by an ADBC driver in C++,
never as Python objects (SQLite's, and PostgreSQL's binary COPY).

The drivers are used through ADBC's low-level API: its DB-API layer imports pandas and
Polars when they are installed, which would double the server's memory for nothing. Each
driver call runs in a worker thread while the event loop encodes the previous batch. The
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
# PostgreSQL's COPY, which streams a result in binary, takes no parameters, so the values
# are written into the statement; only those whose text cannot carry SQL (integers, truth
# values and days, written from their Python values) ever are: others keep the row path.
_INLINED = (bool, int, dt.date)


def inlined(sql: str, params: Params, dialect: str) -> str | None:
    """The statement with its parameters written as literals of the dialect, or None if
    one is of a type whose literal could carry SQL (text)."""
    if not all(type(v) in _INLINED for v in params.values()):
        return None

    def literal(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        if isinstance(value, dt.date):  # SQLite stores days as ISO text
            day = f"'{value.isoformat()}'"
            return day if dialect == "sqlite" else f"DATE {day}"
        if isinstance(value, bool):
            return str(int(value))
        return str(int(value)) if dialect == "sqlite" else f"CAST({int(value)} AS BIGINT)"

    return _PLACEHOLDER.sub(literal, sql)


Opener = Callable[[], Any]


def as_days(batch: Any) -> Any:
    """A batch whose timestamp columns (Oracle's DATE, which has a time of day that ODM
    never sets) are days, as the row path gives them."""
    import pyarrow as pa

    if not any(pa.types.is_timestamp(field.type) for field in batch.schema):
        return batch
    arrays = [
        column.cast(pa.date32()) if pa.types.is_timestamp(column.type) else column
        for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def load_driver(module: str) -> None:
    """Import ADBC's driver manager, a driver's package and pyarrow (a second or so)."""
    import importlib

    import adbc_driver_manager  # noqa: F401
    import pyarrow  # noqa: F401

    importlib.import_module(module)


class _Query:
    """One statement's database, connection, statement and reader, closed together."""

    def __init__(self, open_database: Opener) -> None:
        import adbc_driver_manager

        self.reader: Any = None
        self.handles: list[Any] = [open_database()]
        try:
            self.handles.append(adbc_driver_manager.AdbcConnection(self.handles[0]))
        except BaseException:  # a database that refuses: the caller's 503, not an AttributeError
            self.close()
            raise

    def run(self, statements: Sequence[str], sql: str, options: dict[str, str]) -> None:
        import adbc_driver_manager
        import pyarrow as pa

        for text in statements:
            with adbc_driver_manager.AdbcStatement(self.handles[1]) as statement:
                statement.set_sql_query(text)
                statement.execute_update()
        statement = adbc_driver_manager.AdbcStatement(self.handles[1])
        self.handles.append(statement)
        statement.set_options(**options)
        statement.set_sql_query(sql)
        stream, _ = statement.execute_query()
        self.reader = pa.RecordBatchReader.from_stream(stream)

    def next(self) -> Any:
        """The next batch, or None after the last."""
        try:
            return self.reader.read_next_batch()
        except StopIteration:
            return None

    def no_rows(self) -> Any:
        """An empty batch of the result's columns."""
        import pyarrow as pa

        schema = self.reader.schema
        return pa.RecordBatch.from_arrays([pa.nulls(0, f.type) for f in schema], schema=schema)

    def close(self) -> None:
        """Close the reader, then the statement, the connection and the database."""
        from adbc_driver_manager import Error

        if self.reader is not None:
            self.reader.close()
        for handle in reversed(self.handles):
            with contextlib.suppress(Error):  # a connection that failed is gone already
                handle.close()


async def record_batches(
    open_database: Opener, statements: Sequence[str], sql: str, options: dict[str, str]
) -> AsyncGenerator[Any]:
    """The batches of one query on a new ADBC connection (`statements`, session settings,
    run first; the first batch is yielded even when the result is empty)."""
    query = await _in_thread(_Query, open_database)
    try:
        await _in_thread(query.run, statements, sql, options)
        empty = True
        while (batch := await _in_thread(query.next)) is not None:
            empty = False
            yield batch
        if empty:
            yield query.no_rows()
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(query.close)


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


def table_rows(data: Any, dates_as_text: bool) -> list[tuple[Any, ...]]:
    """An Arrow table's rows as tuples; its dates as ISO text where the backend stores them
    so (SQLite), else as dates."""
    import pyarrow as pa

    columns = []
    for column in data.columns:
        if dates_as_text and pa.types.is_date32(column.type):
            column = column.cast(pa.string())
        columns.append(column.to_pylist())
    return list(zip(*columns, strict=True))


def table_csv(data: Any) -> bytes:
    """An Arrow table as CSV without a header, for PostgreSQL's `COPY ... (FORMAT csv)`:
    a null is an empty field and text is always quoted (an empty text is ""), doubles are
    written in their shortest exact form, dates as ISO."""
    import pyarrow as pa
    import pyarrow.csv

    sink = pa.BufferOutputStream()
    pyarrow.csv.write_csv(data, sink, pyarrow.csv.WriteOptions(include_header=False))
    return bytes(sink.getvalue().to_pybytes())

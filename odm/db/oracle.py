"""Oracle backend: python-oracledb in thin mode (no Instant Client) with its asyncio pool.

Rows come out as the other backends' types: NUMBER(19) ids as int, BINARY_DOUBLE measures as
float, DATE as `datetime.date`. Every round trip is bounded by `call_timeout`; a pool that
cannot hand out a connection in time, or a database that is down, raises DatabaseUnavailable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from itertools import islice
from typing import Any, Protocol

import oracledb

from odm.db.arrow import as_days
from odm.db.base import (
    Batch,
    ConstraintViolation,
    Database,
    DatabaseError,
    DatabaseUnavailable,
    Params,
    Progress,
    Row,
    Session,
    TableRows,
    Transaction,
    column_names,
    migrations_dir,
)
from odm.db.oracle_text import (
    connect_params,
    creates_once,
    insert_sql,
    oracle_params,
    oracle_sql,
    owner_schema,
    split_script,
    staged_merge_sql,
    staging_insert_sql,
    staging_table,
)
from odm.queries import load_sql

log = logging.getLogger("odm.db.oracle")

WRITE_BATCH_ROWS = 10_000
CLOSE_TIMEOUT = 5.0
PACKAGE = "Get_ODM_Data_Pkg"
PACKAGE_PROCEDURES = frozenset(
    {
        "Get_Division_List",
        "Get_Division_Summary_Data",
        "Get_Well_Summary_Data",
        "Get_Well_Summary_By_Day",
    }
)
# Errors that mean "no usable connection" rather than "this statement failed": pool closed or
# exhausted, connection lost, call timeout, cannot connect (thin DPY- and thick DPI- codes).
UNAVAILABLE_CODES = frozenset(
    {"DPY-1001", "DPY-1002", "DPY-4005", "DPY-4011", "DPY-4024", "DPY-6005", "DPI-1067", "DPI-1080"}
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: Any) -> Any:
    """A date column's ISO text (as the demo and importers write it) as a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    return value


# --- CLOB pieces -------------------------------------------------------------------------


class TextSource(Protocol):
    """What the piece reader needs of a CLOB: python-oracledb's AsyncLOB has both methods."""

    async def size(self) -> int:
        """Length in UCS-2 code units."""
        ...

    async def read(self, offset: int = 1, amount: int | None = None) -> str | bytes:
        """`amount` UCS-2 code units from `offset` (counted from 1)."""
        ...


def ucs2_length(text: str) -> int:
    """The number of UCS-2 (UTF-16) code units of a text: astral characters count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_high_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udbff"


async def read_clob_pieces(source: TextSource, piece_chars: int) -> AsyncIterator[str]:
    """The text of a CLOB in pieces of at most `piece_chars` UCS-2 code units.

    One piece is held at a time. A piece that ends in the first half of a surrogate pair
    gives that half back, and the next piece starts with it, so no pair is ever split.
    """
    size = await source.size()
    offset = 1
    while offset <= size:
        text = await source.read(offset, min(piece_chars, size - offset + 1))
        if not isinstance(text, str) or not text:
            raise DatabaseError(f"CLOB read at {offset} of {size} returned no text")
        if len(text) > 1 and _is_high_surrogate(text[-1]):
            text = text[:-1]
        offset += ucs2_length(text)
        yield text


# --- rows --------------------------------------------------------------------------------


def _to_date(value: dt.datetime) -> dt.date:
    return value.date()


def _output_type_handler(cursor: Any, metadata: Any) -> Any:
    """DATE columns fetch as `datetime.date` (Oracle's DATE has a time of day); a CLOB column
    (a remembered write's answer) as text."""
    if metadata.type_code is oracledb.DB_TYPE_DATE:
        return cursor.var(oracledb.DB_TYPE_DATE, arraysize=cursor.arraysize, outconverter=_to_date)
    if metadata.type_code is oracledb.DB_TYPE_CLOB:
        return cursor.var(oracledb.DB_TYPE_LONG, arraysize=cursor.arraysize)
    return None


_INPUT_TYPES: dict[type, Any] = {
    float: oracledb.DB_TYPE_BINARY_DOUBLE,
    int: oracledb.DB_TYPE_NUMBER,
    dt.date: oracledb.DB_TYPE_DATE,
}


def input_types(rows: Sequence[Row]) -> list[Any]:
    """Bind types from each column's first non-NULL value, so a leading NULL is no guess."""
    types: list[Any] = []
    for column in zip(*rows, strict=True):
        value = next((v for v in column if v is not None), None)
        types.append(_INPUT_TYPES.get(type(value)))
    return types


def _batches(rows: Iterable[Row], size: int) -> Iterable[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


async def _insert_batches(
    cursor: oracledb.AsyncCursor,
    sql: str,
    rows: Iterable[Row],
    progress: Progress,
    counted: bool,
) -> None:
    """Array-bind the rows into an INSERT, WRITE_BATCH_ROWS at a time."""
    for batch in _batches(rows, WRITE_BATCH_ROWS):
        cursor.setinputsizes(*input_types(batch))
        await cursor.executemany(sql, batch)
        progress(len(batch) if counted else 0)


async def _run_script_statement(cursor: oracledb.AsyncCursor, statement: str) -> None:
    """One statement of an install script; a table or index that exists already is kept."""
    try:
        await cursor.execute(statement)
    except oracledb.DatabaseError as exc:
        error = exc.args[0] if exc.args else None
        if not (creates_once(statement) and getattr(error, "full_code", "") == "ORA-00955"):
            raise
        log.info("kept what exists: %s", statement.splitlines()[0])
        return
    if cursor.warning is not None:
        # PL/SQL that does not compile is created anyway, with a warning: fail the install.
        raise DatabaseError(f"{statement.splitlines()[0]}: {cursor.warning}")


async def _execute(cursor: oracledb.AsyncCursor, sql: str, params: Params) -> None:
    """Execute a statement with named binds, renamed as Oracle needs them."""
    await cursor.execute(oracle_sql(sql), oracle_params(params))


def _translate(exc: Exception) -> Exception:
    """A driver error as DatabaseUnavailable (retry later) or DatabaseError."""
    error = exc.args[0] if exc.args else None
    code = getattr(error, "full_code", "")
    recoverable = getattr(error, "isrecoverable", False)
    if isinstance(exc, oracledb.OperationalError) or code in UNAVAILABLE_CODES or recoverable:
        return DatabaseUnavailable(str(exc))
    if isinstance(exc, oracledb.IntegrityError):
        return ConstraintViolation(str(exc))
    return DatabaseError(str(exc))


# --- the backend -------------------------------------------------------------------------


class OracleDatabase(Database):
    """An asyncio connection pool; a stream holds one connection for its duration."""

    dialect = "oracle"
    columnar = True

    def __init__(
        self,
        url: str,
        pool_size: int = 10,
        pool_timeout: float = 5.0,
        statement_timeout: float = 60.0,
        clob_piece_chars: int = 32_000,
        client_lib_dir: str | None = None,
        schema: str | None = None,
    ) -> None:
        self.user, self.password, self.dsn = connect_params(url)
        # The schema owning ODM's objects when the service connects as another account.
        self.schema = owner_schema(schema)
        self.pool_size = pool_size
        self.pool_timeout = pool_timeout
        self.call_timeout_ms = int(statement_timeout * 1000)
        self.clob_piece_chars = clob_piece_chars
        self.pool: oracledb.AsyncConnectionPool | None = None
        self.close_timeout = CLOSE_TIMEOUT
        if client_lib_dir:
            # python-oracledb's asyncio API exists only in thin mode, which needs no client.
            log.warning("ORACLE_CLIENT_LIB_DIR is ignored: ODM uses thin mode (asyncio)")

    async def open(self) -> None:
        # Connections are made in the background: the service starts (and answers 503) while
        # the database is down, and recovers by itself when it returns.
        self.pool = oracledb.create_pool_async(
            user=self.user,
            password=self.password,
            dsn=self.dsn,
            min=1,
            max=self.pool_size,
            increment=1,
            getmode=oracledb.POOL_GETMODE_TIMEDWAIT,
            wait_timeout=int(self.pool_timeout * 1000),
            ping_interval=10,
            timeout=300,
            tcp_connect_timeout=self.pool_timeout,
        )

    async def close(self) -> None:
        # Bounded: a connection attempt stuck in its handshake (a server that accepts but never
        # answers) would otherwise hold the pool's close, and the service's shutdown, forever.
        pool, self.pool = self.pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(force=True), self.close_timeout)
        except (TimeoutError, oracledb.Error) as exc:
            log.warning("the Oracle pool did not close cleanly: %r", exc)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[oracledb.AsyncConnection]:
        """A pooled connection with the call timeout and row types set, errors translated."""
        if self.pool is None:
            raise DatabaseUnavailable("the Oracle pool is not open")
        try:
            async with self.pool.acquire() as conn:
                conn.call_timeout = self.call_timeout_ms
                conn.outputtypehandler = _output_type_handler
                if self.schema and conn.current_schema != self.schema:
                    # ALTER SESSION SET CURRENT_SCHEMA, sent with the next round trip (no extra
                    # one) and kept by the pooled session: unqualified names find the owner's.
                    conn.current_schema = self.schema
                yield conn
        except oracledb.Error as exc:
            raise _translate(exc) from exc
        except (OSError, TimeoutError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc

    async def fetch(self, sql: str, params: Params) -> Batch:
        async with self.connection() as conn, conn.cursor() as cursor:
            await cursor.execute(oracle_sql(sql), oracle_params(params))
            return Batch(column_names(cursor.description), list(await cursor.fetchall()))

    async def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        async with self.connection() as conn, conn.cursor() as cursor:
            # The first batch comes back with the execute; each later one is one round trip.
            cursor.arraysize = batch_rows
            cursor.prefetchrows = batch_rows + 1
            await cursor.execute(oracle_sql(sql), oracle_params(params))
            columns = column_names(cursor.description)
            yield Batch(columns, await cursor.fetchmany(batch_rows))
            while rows := await cursor.fetchmany(batch_rows):
                yield Batch(columns, rows)

    async def load_column_driver(self) -> None:
        await asyncio.to_thread(importlib.import_module, "pyarrow")

    def stream_columns(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any] | None:
        """Arrow batches of python-oracledb's data frames (`fetch_df_batches`, thin mode:
        the driver builds Arrow arrays, no Python object per value); DATE columns, which it
        gives as timestamps, as days."""
        return self._frame_batches(sql, params, batch_rows)

    async def _frame_batches(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any]:
        import pyarrow as pa

        async with self.connection() as conn:
            # NUMBER columns as int64 or double, never Decimal128: the row path's numbers.
            frames = conn.fetch_df_batches(
                oracle_sql(sql), oracle_params(params), size=batch_rows, fetch_decimals=False
            )
            # The first frame comes even for no rows, with the columns. (The asyncio
            # method is an async generator, though its annotation says Iterator.)
            async for frame in frames:  # type: ignore[attr-defined]
                for batch in pa.RecordBatchReader.from_stream(frame):
                    yield as_days(batch)

    async def stream_procedure_json(
        self, procedure: str, params: Sequence[int]
    ) -> AsyncGenerator[bytes]:
        """Call a Get_ODM_Data_Pkg procedure and yield its OUT CLOB as UTF-8, piece by piece."""
        if procedure not in PACKAGE_PROCEDURES:
            raise ValueError(f"not a procedure of {PACKAGE}: {procedure!r}")
        async with self.connection() as conn, conn.cursor() as cursor:
            out = cursor.var(oracledb.DB_TYPE_CLOB)
            owner = f"{self.schema}." if self.schema else ""
            await cursor.callproc(f"{owner}{PACKAGE}.{procedure}", [*params, out])
            lob = out.getvalue()
            if lob is None:
                raise DatabaseError(f"{PACKAGE}.{procedure} returned no CLOB")
            async for piece in read_clob_pieces(lob, self.clob_piece_chars):
                yield piece.encode()

    async def schema_version(self) -> int:
        if not await self.fetch_all(load_sql("schema_version_exists", self.dialect), {}):
            return 0
        rows = await self.fetch_all("SELECT COALESCE(MAX(version), 0) FROM odm_schema_version", {})
        return int(rows[0][0])

    async def apply_migration(self, version: int, script: str) -> bool:
        # Oracle commits each DDL statement by itself: a failed script leaves the objects made
        # before the failure. Running it again keeps the tables and indexes that exist and
        # replaces everything else, so a retry finishes the install.
        statements = split_script(script, migrations_dir(self.dialect))
        if await self.schema_version() >= version:
            return False
        async with self.connection() as conn, conn.cursor() as cursor:
            for statement in statements:
                await _run_script_statement(cursor, statement)
            await _execute(
                cursor,
                "INSERT INTO odm_schema_version (version) VALUES (:version)",
                {"version": version},
            )
            await conn.commit()
        return True

    async def write_tables(
        self, tables: Sequence[TableRows], progress: Progress, replace: bool = False
    ) -> None:
        async with self.connection() as conn, conn.cursor() as cursor:
            # A bulk load sends statements over millions of rows in one round trip (the DELETE
            # of --replace, the MERGE of an import): like PostgreSQL's, it has no time limit.
            # The next acquire of this pooled connection sets the limit again.
            conn.call_timeout = 0
            if replace:
                for table in reversed(tables):
                    await cursor.execute(f"DELETE FROM {table.table}")
            for table in tables:
                await self._write_table(cursor, table, progress)
            await conn.commit()

    async def _write_table(
        self, cursor: oracledb.AsyncCursor, table: TableRows, progress: Progress
    ) -> None:
        """Array-insert the table's rows in batches; with an upsert key, through staging.

        An array MERGE executes once per row, and so would the totals trigger's statement
        sections (one update per row): the rows go into the table's staging table (an array
        INSERT, no trigger) and one MERGE moves them all.
        """
        date_columns = await self._date_columns(cursor, table)
        rows = (_with_dates(row, date_columns) for row in table.rows)
        if not table.upsert_key:
            await _insert_batches(cursor, insert_sql(table), rows, progress, table.counted)
            return
        await cursor.execute(f"DELETE FROM {staging_table(table.table)}")
        numbered = ((number, *row) for number, row in enumerate(rows))
        await _insert_batches(cursor, staging_insert_sql(table), numbered, progress, table.counted)
        await cursor.execute(staged_merge_sql(table))

    @staticmethod
    async def _date_columns(cursor: oracledb.AsyncCursor, table: TableRows) -> frozenset[int]:
        """Positions of the table's DATE columns among the columns written."""
        await _execute(cursor, load_sql("date_columns", "oracle"), {"table_name": table.table})
        dates = {name.lower() for (name,) in await cursor.fetchall()}
        return frozenset(i for i, column in enumerate(table.columns) if column in dates)

    async def execute(self, sql: str, params: Params) -> int:
        async with self.connection() as conn, conn.cursor() as cursor:
            await _execute(cursor, sql, params)
            count: int = cursor.rowcount
            await conn.commit()
            return count

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        async with self.connection() as conn:
            # Like a bulk load, one write has no per-round-trip limit: its size bounds it.
            conn.call_timeout = 0
            yield _OracleSession(conn)

    async def recompute_totals(self) -> None:
        async with self.connection() as conn, conn.cursor() as cursor:
            # Serializable: the sums come from the transaction's snapshot, and a totals row
            # that a write changed after it makes the MERGE fail (ORA-08177) rather than
            # overwrite that write's delta. No time limit: it reads every row.
            await cursor.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
            conn.call_timeout = 0
            await cursor.execute(load_sql("recompute_well_totals", self.dialect))
            await conn.commit()


class _OracleSession(Session):
    """A pooled connection of one write. Staged rows go to the global temporary staging
    tables (private to the session, no lock on the tables they will be moved to, emptied at
    commit); readers never wait for writers in Oracle, so the whole write is one
    transaction."""

    def __init__(self, conn: oracledb.AsyncConnection) -> None:
        self.conn = conn

    async def prepare(self, sql: str) -> None:
        async with self.conn.cursor() as cursor:
            await cursor.execute(oracle_sql(sql))

    async def load(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        marks = ", ".join(f":b{i}" for i in range(1, len(columns) + 1))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch = [tuple(_as_date(v) for v in row) for row in rows]
        if batch:
            async with self.conn.cursor() as cursor:
                cursor.setinputsizes(*input_types(batch))
                await cursor.executemany(sql, batch)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        try:
            yield _OracleTransaction(self.conn)
        except BaseException:
            await self.conn.rollback()
            raise
        await self.conn.commit()


class _OracleTransaction(Transaction):
    def __init__(self, conn: oracledb.AsyncConnection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params) -> int:
        async with self.conn.cursor() as cursor:
            await _execute(cursor, sql, params)
            count: int = cursor.rowcount
            return count

    async def fetch(self, sql: str, params: Params) -> Batch:
        async with self.conn.cursor() as cursor:
            await _execute(cursor, sql, params)
            return Batch(column_names(cursor.description), list(await cursor.fetchall()))


def _with_dates(row: Row, date_columns: frozenset[int]) -> Row:
    if not date_columns:
        return row
    return tuple(_as_date(v) if i in date_columns else v for i, v in enumerate(row))

"""PostgreSQL backend: psycopg 3 async with a connection pool and server-side cursors."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import replace
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import anyio
import psycopg
from psycopg import AsyncConnection, AsyncCursor, AsyncServerCursor
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from odm.db.arrow import inlined, load_driver, record_batches, table_csv
from odm.db.base import (
    Batch,
    ConstraintViolation,
    Database,
    DatabaseError,
    DatabaseUnavailable,
    Params,
    PoolStats,
    Progress,
    Row,
    Session,
    TableRows,
    Transaction,
    column_names,
)
from odm.queries import load_sql

# A connection back in the pool for less than this is handed out again without a ping: it
# answered a moment ago (HikariCP's aliveBypassWindowMs, 500 ms, is the same rule). Under
# load the ping was a third of a small request's round trips; an idle connection is still
# pinged before use, so one that a database restart broke is replaced, not handed out, and
# once any connection is found lost every one returned before that is pinged too.
ALIVE_BYPASS_SECONDS = 0.5
# ADBC's driver types the columnar fetch's results from PostgreSQL's built-in types, which are
# all an ODM query returns. By default it reads the server's whole type catalog each time a
# fetch opens its database handle: about 40 ms of a core per export (of a 60 ms first byte).
ADBC_DATABASE = {"adbc.postgresql.type_resolver_mode": "builtin"}

# Any constant works: it only has to be the same for every ODM process on one database.
MIGRATION_LOCK = 7_400_001
PROGRESS_EVERY = 10_000
_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@cache
def to_pyformat(sql: str) -> bytes:
    """Rewrite `:name` placeholders as psycopg's `%(name)s` (and escape literal `%`)."""
    return _PLACEHOLDER.sub(r"%(\1)s", sql.replace("%", "%%")).encode()


class PostgresDatabase(Database):
    """A pool of autocommit connections; a stream holds one for its duration."""

    dialect = "postgresql"
    columnar = True

    def __init__(
        self,
        url: str,
        pool_size: int,
        pool_timeout: float,
        statement_timeout: float,
        pool_min: int = 1,
    ) -> None:
        self.url = url
        self.listener: AsyncConnection[Any] | None = None
        self.pool_timeout = pool_timeout
        # Streams may hold at most all but two connections, so that lookups and pages
        # still find one while long exports run.
        self.stream_slots = asyncio.Semaphore(max(1, pool_size - 2))
        milliseconds = int(statement_timeout * 1000)
        # A session left idle inside a transaction (a stream whose process stopped sending)
        # is ended by the server too.
        options = (
            f"-c statement_timeout={milliseconds} "
            f"-c idle_in_transaction_session_timeout={milliseconds}"
        )
        self.session_settings = (
            f"SET statement_timeout = {milliseconds}",
            "SET application_name = 'odm'",
        )
        self.returned: WeakKeyDictionary[AsyncConnection[Any], float] = WeakKeyDictionary()
        self.lost_at = -math.inf  # when a connection last failed (its siblings may be dead)
        self.pool = AsyncConnectionPool(
            url,
            # Opened at start (in the background): a burst of requests that found only one
            # connection waited while the pool opened the others one by one (bench/findings.md).
            min_size=pool_min,
            max_size=pool_size,
            timeout=pool_timeout,
            open=False,
            check=self._check_connection,
            reset=self._note_return,
            kwargs={"autocommit": True, "options": options, "application_name": "odm"},
            reconnect_timeout=0,
        )

    async def open(self) -> None:
        # Do not wait: the service starts (and answers 503) while the database is down.
        await self.pool.open(wait=False)

    async def _note_return(self, conn: AsyncConnection[Any]) -> None:
        self.returned[conn] = time.monotonic()

    async def _check_connection(self, conn: AsyncConnection[Any]) -> None:
        returned = self.returned.get(conn, -math.inf)
        if returned <= self.lost_at or time.monotonic() - returned >= ALIVE_BYPASS_SECONDS:
            await AsyncConnectionPool.check_connection(conn)

    async def close(self) -> None:
        if self.listener is not None:
            with suppress(psycopg.Error):
                await self.listener.close()
        await self.pool.close()

    def pool_stats(self) -> PoolStats:
        stats = self.pool.get_stats()
        size = stats.get("pool_size", 0)
        waiting = stats.get("requests_waiting", 0)
        return PoolStats(size - stats.get("pool_available", 0), waiting, size)

    async def wait_for_changes(self, seconds: float) -> None:
        """A connection of its own LISTENs for the NOTIFY every write to the change log sends
        at commit; a notification or the timeout ends the wait."""
        try:
            if self.listener is None or self.listener.closed:
                self.listener = await AsyncConnection.connect(self.url, autocommit=True)
                await self.listener.execute(b"LISTEN odm_changes")
            async for _notify in self.listener.notifies(timeout=seconds, stop_after=1):
                break
            # The writes that committed while the last batch was read and sent: one read
            # after this covers them all, not one read for each of their notifications.
            async for _notify in self.listener.notifies(timeout=0):
                pass
        except psycopg.Error as exc:
            self.listener = None
            self.lost_at = time.monotonic()
            raise DatabaseUnavailable(f"cannot listen for changes: {exc}") from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Row]]:
        """A pooled connection, with driver errors turned into backend-neutral ones."""
        try:
            async with self.pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise DatabaseUnavailable(f"no database connection available: {exc}") from exc
        except psycopg.OperationalError as exc:
            self.lost_at = time.monotonic()
            raise DatabaseUnavailable(str(exc)) from exc
        except psycopg.IntegrityError as exc:
            raise ConstraintViolation(str(exc)) from exc
        except psycopg.Error as exc:
            raise DatabaseError(str(exc)) from exc

    async def fetch(self, sql: str, params: Params) -> Batch:
        async with self.connection() as conn:
            cursor = await conn.execute(to_pyformat(sql), params)
            return Batch(column_names(cursor.description), await cursor.fetchall())

    async def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        # A named (server-side) cursor: rows leave the server batch by batch, and the
        # planner favours plans that return the first rows fast. Binary results: numbers
        # and dates load from fixed-size values instead of being parsed from text.
        async with self._stream_slot(), _ShieldedExit() as stack:
            conn = await stack.enter_async_context(self.connection())
            cursor = conn.cursor(name="odm_stream", binary=True)
            # Closed after its transaction ends, which closes it on the server: no CLOSE.
            stack.push_async_callback(cursor.close)
            await stack.enter_async_context(conn.transaction())
            await cursor.execute(to_pyformat(sql), params)
            columns = column_names(cursor.description)
            empty = True
            async for rows in _read_ahead(cursor, batch_rows):
                empty = False
                yield Batch(columns, rows)
            if empty:
                yield Batch(columns, [])

    async def load_column_driver(self) -> None:
        await anyio.to_thread.run_sync(load_driver, "adbc_driver_postgresql")

    def stream_columns(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any] | None:
        """Arrow batches of a binary COPY read by ADBC's PostgreSQL driver, on a connection
        of its own that counts as one of the streams' (None for text parameters, which
        COPY cannot take)."""
        text = inlined(sql, params, self.dialect)
        if text is None:
            return None
        # Named as the row path's cursor is, for whoever reads pg_stat_activity.
        return self._copy_batches(f"/* odm_stream */ {text}", batch_rows)

    async def _copy_batches(self, sql: str, batch_rows: int) -> AsyncGenerator[Any]:
        import adbc_driver_postgresql

        # About 100 bytes a row in COPY's binary format.
        options = {"adbc.postgresql.batch_size_hint_bytes": str(batch_rows * 100)}
        async with self._stream_slot():
            batches = record_batches(
                lambda: adbc_driver_postgresql.connect(self.url, db_kwargs=ADBC_DATABASE),
                self.session_settings,
                sql,
                options,
            )
            try:
                async for batch in batches:
                    yield batch
            except (DatabaseUnavailable, DatabaseError):  # what ended it may have ended the pool's
                self.lost_at = time.monotonic()
                raise
            finally:
                await batches.aclose()

    @asynccontextmanager
    async def _stream_slot(self) -> AsyncIterator[None]:
        """One of the connections streams may use, or DatabaseUnavailable (503) in time."""
        try:
            await asyncio.wait_for(self.stream_slots.acquire(), self.pool_timeout)
        except TimeoutError as exc:
            raise DatabaseUnavailable("every streaming connection is busy; retry later") from exc
        try:
            yield
        finally:
            self.stream_slots.release()

    async def schema_version(self) -> int:
        if not await self.fetch_all(load_sql("schema_version_exists", self.dialect), {}):
            return 0
        rows = await self.fetch_all("SELECT COALESCE(MAX(version), 0) FROM odm_schema_version", {})
        return int(rows[0][0])

    async def apply_migration(self, version: int, script: str) -> bool:
        async with self.connection() as conn, conn.transaction():
            # Like a bulk load, a schema upgrade (an index over every row) is not one query
            # answering a client: the per-round-trip timeouts do not apply to it.
            await conn.execute(b"SET LOCAL statement_timeout = 0")
            await conn.execute(b"SET LOCAL idle_in_transaction_session_timeout = 0")
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            if await self._has_version(conn, version):
                return False
            await conn.execute(script.encode())
            await conn.execute("INSERT INTO odm_schema_version (version) VALUES (%s)", (version,))
        return True

    async def _has_version(self, conn: AsyncConnection[Row], version: int) -> bool:
        exists = await conn.execute(to_pyformat(load_sql("schema_version_exists", self.dialect)))
        if not await exists.fetchone():
            return False
        cursor = await conn.execute(
            "SELECT 1 FROM odm_schema_version WHERE version >= %s", (version,)
        )
        return await cursor.fetchone() is not None

    async def write_tables(
        self, tables: Sequence[TableRows], progress: Progress, replace: bool = False
    ) -> None:
        async with self.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            # A bulk load is one long COPY (one per year of daily rows, with a partition made
            # between two): the per-round-trip timeouts do not apply to it.
            await cursor.execute(b"SET LOCAL statement_timeout = 0")
            await cursor.execute(b"SET LOCAL idle_in_transaction_session_timeout = 0")
            if replace:
                names = ", ".join(table.table for table in tables)
                await cursor.execute(f"TRUNCATE {names} CASCADE".encode())
            for number, table in enumerate(tables):
                if table.upsert_key:
                    await _upsert(cursor, table, f"odm_upsert_{number}", progress)
                elif table.table == "odm_daily_production":
                    await _copy_by_year(cursor, table, progress)
                else:
                    await _copy(cursor, table.table, table, progress)
            if any(table.table == "odm_daily_production" for table in tables):
                # Years without a partition went to the default one: each gets its own.
                sql = load_sql("daily_partitions_from_default", self.dialect)
                await cursor.execute(sql.encode())

    async def execute(self, sql: str, params: Params) -> int:
        async with self.connection() as conn, conn.transaction():
            cursor = await conn.execute(to_pyformat(sql), params)
            return cursor.rowcount

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        async with self.connection() as conn:
            try:
                yield _PostgresSession(conn)
            finally:
                with anyio.CancelScope(shield=True):
                    # The connection goes back to the pool without the session's staging.
                    await conn.execute(b"DISCARD TEMP")

    async def recompute_totals(self) -> None:
        async with self.connection() as conn, conn.transaction():
            # A sum over every row: no per-statement limit, as for a bulk load.
            await conn.execute(b"SET LOCAL statement_timeout = 0")
            await conn.execute(load_sql("recompute_well_totals", self.dialect).encode())


class _PostgresSession(Session):
    """A pooled connection of one write: staged rows go by COPY into TEMP tables (each
    statement its own transaction), then `transaction` moves them. Like a bulk load, the
    transaction has no per-statement time limit: it is bounded by the body's size."""

    def __init__(self, conn: AsyncConnection[Row]) -> None:
        self.conn = conn
        self.types: dict[str, dict[str, str]] = {}  # staging tables' column types, by name

    async def prepare(self, sql: str) -> None:
        await self.conn.execute(sql.encode())

    async def load(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN".encode()
        async with self.conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                await copy.write_row(row)

    async def load_table(self, table: str, columns: Sequence[str], data: Any) -> None:
        # Binary COPY when every column has a fixed width (the server reads it in half the
        # time of CSV), else CSV; either written in a worker thread.
        from odm.db.copy_binary import binary_types, copy_binary

        if table not in self.types:
            sql = to_pyformat(load_sql("staging_column_types", "postgresql"))
            found = await (await self.conn.execute(sql, {"table_name": table})).fetchall()
            self.types[table] = {str(name): str(kind) for name, kind in found}
        known = self.types[table]
        types = binary_types([known.get(c, "") for c in columns], data)
        if types is not None:
            body = await anyio.to_thread.run_sync(copy_binary, data, types)
            form = "binary"
        else:
            body = await anyio.to_thread.run_sync(table_csv, data)
            form = "csv"
        copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT {form})".encode()
        async with self.conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            await copy.write(body)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self.conn.transaction():
            await self.conn.execute(b"SET LOCAL statement_timeout = 0")
            yield _PostgresTransaction(self.conn)


class _PostgresTransaction(Transaction):
    def __init__(self, conn: AsyncConnection[Row]) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params) -> int:
        cursor = await self.conn.execute(to_pyformat(sql), params)
        return cursor.rowcount

    async def fetch(self, sql: str, params: Params) -> Batch:
        cursor = await self.conn.execute(to_pyformat(sql), params)
        return Batch(column_names(cursor.description), await cursor.fetchall())

    async def insert_unless_duplicate(self, sql: str) -> int | None:
        try:
            async with self.conn.transaction():  # within the write's: a savepoint
                cursor = await self.conn.execute(to_pyformat(sql), {})
                return cursor.rowcount
        except psycopg.errors.UniqueViolation:
            return None


async def _copy(
    cursor: AsyncCursor[Row], target: str, table: TableRows, progress: Progress
) -> None:
    """COPY the rows of `table` into `target` (the table itself or a staging table)."""
    copy_sql = f"COPY {target} ({', '.join(table.columns)}) FROM STDIN".encode()
    async with cursor.copy(copy_sql) as copy:
        count = 0
        for row in table.rows:
            await copy.write_row(row)
            count += 1
            if count == PROGRESS_EVERY and table.counted:
                progress(count)
                count = 0
        progress(count if table.counted else 0)


async def _copy_by_year(cursor: AsyncCursor[Row], table: TableRows, progress: Progress) -> None:
    """COPY daily rows, making each year's partition before its first row (schema version 8):
    the COPY ends and starts again around a new partition, so no row of a bulk load goes to
    the default partition to be moved again."""
    found = await (await cursor.execute(load_sql("daily_partition_years", "postgresql"))).fetchone()
    if found is None or found[0] is None:
        await _copy(cursor, table.table, table, progress)
        return
    years, rows = set(found[0]), iter(table.rows)
    column = table.columns.index("production_date")
    carried: list[Row] = []
    while True:
        stopped: list[Row] = []

        def segment(carried: list[Row] = carried, stopped: list[Row] = stopped) -> Iterator[Row]:
            yield from carried
            for row in rows:
                if int(str(row[column])[:4]) not in years:
                    stopped.append(row)
                    return
                yield row

        await _copy(cursor, table.table, replace(table, rows=segment()), progress)
        if not stopped:
            return
        year = int(str(stopped[0][column])[:4])
        sql = to_pyformat(load_sql("daily_partition_make", "postgresql"))
        await cursor.execute(sql, {"year": year})
        years.add(year)
        carried = stopped


async def _upsert(
    cursor: AsyncCursor[Row], table: TableRows, staging: str, progress: Progress
) -> None:
    """COPY into a temporary table, then insert its rows, replacing those whose key exists.

    A key repeated within the rows keeps its last row (a fresh heap table's ctid follows
    the COPY order), as one INSERT ... ON CONFLICT may touch each stored row only once.
    """
    key = ", ".join(table.upsert_key or ())
    columns = ", ".join(table.columns)
    await cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {columns} FROM {table.table} WITH NO DATA".encode()
    )
    await _copy(cursor, staging, table, progress)
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in table.columns if c not in (table.upsert_key or ())
    )
    action = f"UPDATE SET {updates}" if updates else "NOTHING"
    await cursor.execute(
        f"INSERT INTO {table.table} ({columns}) "
        f"SELECT DISTINCT ON ({key}) {columns} FROM {staging} ORDER BY {key}, ctid DESC "
        f"ON CONFLICT ({key}) DO {action}".encode()
    )
    await cursor.execute(f"DROP TABLE {staging}".encode())


class _ShieldedExit:
    """An exit stack whose exits finish even when the task is being cancelled.

    A client that leaves mid-stream cancels the response task; without the shield the
    cursor's CLOSE and the transaction's end were interrupted, and the pool had to throw
    the connection away and open a new one.
    """

    def __init__(self) -> None:
        self.stack = AsyncExitStack()

    async def __aenter__(self) -> AsyncExitStack:
        return self.stack

    async def __aexit__(self, *exc_info: Any) -> bool:
        with anyio.CancelScope(shield=True):
            suppressed = await self.stack.__aexit__(*exc_info)
        return bool(suppressed)


async def _read_ahead(cursor: AsyncServerCursor[Row], size: int) -> AsyncIterator[list[Row]]:
    """The cursor's batches, each one requested before the previous one is handed out.

    The server reads and sends batch n+1 while this process writes batch n to the client,
    so the two work at the same time instead of in turn; one extra batch is in memory.
    """
    pending: asyncio.Future[list[Row]] | None = asyncio.ensure_future(cursor.fetchmany(size))
    try:
        # Shielded: a cancelled consumer must not cancel the fetch mid-protocol.
        while pending is not None and (batch := await asyncio.shield(pending)):
            # A short batch is the last one: nothing is left to ask the server for.
            more = len(batch) == size
            pending = asyncio.ensure_future(cursor.fetchmany(size)) if more else None
            yield batch
    finally:
        # A fetch still in flight (the client left) is let finish rather than cancelled
        # mid-protocol, so the connection goes back to the pool idle; its error, if any,
        # was already raised above or no longer matters.
        if pending is not None:
            with anyio.CancelScope(shield=True), suppress(Exception):
                await pending

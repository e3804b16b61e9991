"""Embedded SQLite backend: calls in worker threads (a small write's statements inline, see
INLINE_ROWS); reads and writes on connections kept idle between requests."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread

from odm.db.arrow import table_rows
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

T = TypeVar("T")
PROGRESS_EVERY = 10_000
# How often the change feed looks at the database's files (a stat of each: the log is read
# only when a commit changed them, or when the poll's timeout passes).
FILES_CHANGED_SECONDS = 0.02
# Tables whose rows the per-well totals sum (see bulk_suspended_triggers.sql).
SUMMED_TABLES = {"odm_daily_production", "odm_well_budget"}
# Read connections kept open between requests. A new connection parses the whole schema (its
# tables, indexes and triggers: about 30 KB of DDL) before its first statement, 1.8 ms against
# 0.015 ms for /division-list's query on a connection that has already run one. An idle
# connection holds no read snapshot, so writers and checkpoints never wait for it.
IDLE_READERS = 8
# A write that stages at most this many rows runs its statements on the event loop's own
# thread, not a worker's: each takes microseconds inside the write lock it already holds,
# less than the hop to a worker thread and back (a one-row HTTP write runs about 15; the
# hops were a quarter of the server's busy time). Taking the lock (BEGIN IMMEDIATE, which
# may wait for another writer) and COMMIT (which may checkpoint) still go to a worker.
INLINE_ROWS = 100


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URL."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"not a sqlite:/// URL: {url!r}")
    return Path(url.removeprefix("sqlite:///"))


# Dates in staged rows travel as ISO text (the form the schema stores), converted by the
# driver itself rather than by a Python loop per row (its default adapter is deprecated).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


def _adapt(params: Params) -> dict[str, Any]:
    """Dates travel as ISO text, the form the schema stores."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}


class SQLiteDatabase(Database):
    """A SQLite file in WAL mode: readers never wait for the writer."""

    dialect = "sqlite"

    def __init__(self, url: str, busy_timeout: float = 30.0) -> None:
        self.path = sqlite_path(url)
        self.busy_timeout = busy_timeout
        self.signature: tuple[int, ...] = ()  # of the files, when the feed last looked
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        """A new connection in autocommit mode with foreign keys enforced."""
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.OperationalError as exc:
            raise DatabaseUnavailable(f"cannot open {self.path}: {exc}") from exc
        conn.execute("PRAGMA foreign_keys = ON")
        # SQLite's own LOWER() folds ASCII only; searches must fold "Å" as PostgreSQL does.
        conn.create_function("lower", 1, _lower, deterministic=True)
        return conn

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await anyio.to_thread.run_sync(self._enable_wal)

    def _enable_wal(self) -> None:
        with closing(self.connect()) as conn:
            conn.execute("PRAGMA journal_mode = WAL")

    def _reader(self) -> sqlite3.Connection:
        """An idle read connection, or a new one."""
        with self._idle_lock:
            if self._idle:
                return self._idle.pop()
        return self.connect()

    def _release(self, conn: sqlite3.Connection) -> None:
        """Keep a reader that holds nothing (no statement, no transaction) while there is
        room; close it otherwise."""
        if not conn.in_transaction:
            with self._idle_lock:
                if len(self._idle) < IDLE_READERS:
                    self._idle.append(conn)
                    return
        conn.close()

    async def close(self) -> None:
        """The idle readers are closed (the last connection of a WAL database to close
        checkpoints it)."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            await anyio.to_thread.run_sync(conn.close)

    async def wait_for_changes(self, seconds: float) -> None:
        """Until the database's files change (a commit, by this process or another, writes
        the WAL), looked at every 20 ms, or the timeout passes. A change within the
        filesystem's clock tick that leaves the size alike waits for the timeout at worst."""
        deadline = anyio.current_time() + seconds
        while (signature := self._signature()) == self.signature:
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                return
            await anyio.sleep(min(FILES_CHANGED_SECONDS, remaining))
        self.signature = signature

    def _signature(self) -> tuple[int, ...]:
        """Modification time, size and inode of the database file and its WAL."""
        found: list[int] = []
        for path in (self.path, Path(f"{self.path}-wal")):
            with suppress(OSError):
                stat = path.stat()
                found += (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return tuple(found)

    def pool_stats(self) -> PoolStats:
        """Every call runs in one of the event loop's worker threads: those are the pool."""
        limiter = anyio.to_thread.current_default_thread_limiter()
        in_use = int(limiter.borrowed_tokens)
        return PoolStats(in_use, limiter.statistics().tasks_waiting, in_use)

    async def fetch(self, sql: str, params: Params) -> Batch:
        return await anyio.to_thread.run_sync(self._fetch, sql, _adapt(params))

    def _fetch(self, sql: str, params: Mapping[str, Any]) -> Batch:
        conn = self._reader()
        try:
            with _errors():
                cursor = conn.execute(sql, params)
                batch = Batch(column_names(cursor.description), cursor.fetchall())
        except BaseException:
            conn.close()
            raise
        cursor.close()
        self._release(conn)
        return batch

    async def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        conn = await anyio.to_thread.run_sync(self._reader)
        cursor = conn.cursor()
        try:
            # The statement's implicit read transaction keeps one snapshot for the whole stream.
            await anyio.to_thread.run_sync(_execute, cursor, sql, _adapt(params))
            columns = column_names(cursor.description)
            rows = await anyio.to_thread.run_sync(_fetchmany, cursor, batch_rows)
            yield Batch(columns, rows)
            while rows := await anyio.to_thread.run_sync(_fetchmany, cursor, batch_rows):
                yield Batch(columns, rows)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._done, cursor, conn)

    def _done(self, cursor: sqlite3.Cursor, conn: sqlite3.Connection) -> None:
        """The cursor first: it ends the statement and its read snapshot (a connection closed
        under an unfinished statement stays open until that statement is freed)."""
        cursor.close()
        self._release(conn)

    # No columnar fetch (`stream_columns` answers None: the row path). ADBC's SQLite driver
    # carries its own copy of SQLite; two copies in one process break each other's POSIX
    # locks on the same file (closing any connection drops the other copy's locks), which
    # SQLite documents as a way to corrupt a database.

    async def schema_version(self) -> int:
        rows = await self.fetch_all(load_sql("schema_version_exists", self.dialect), {})
        if not rows:
            return 0
        rows = await self.fetch_all("SELECT COALESCE(MAX(version), 0) FROM odm_schema_version", {})
        return int(rows[0][0])

    async def apply_migration(self, version: int, script: str) -> bool:
        return await anyio.to_thread.run_sync(self._apply_migration, version, script)

    def _apply_migration(self, version: int, script: str) -> bool:
        with closing(self.connect()) as conn, _transaction(conn):
            exists = conn.execute(load_sql("schema_version_exists", self.dialect)).fetchone()
            if (
                exists
                and conn.execute(
                    "SELECT 1 FROM odm_schema_version WHERE version >= ?", (version,)
                ).fetchone()
            ):
                return False
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO odm_schema_version (version) VALUES (?)", (version,))
        return True

    async def write_tables(
        self, tables: Sequence[TableRows], progress: Progress, replace: bool = False
    ) -> None:
        await anyio.to_thread.run_sync(self._write_tables, tables, progress, replace)

    def _write_tables(self, tables: Sequence[TableRows], progress: Progress, replace: bool) -> None:
        with closing(self.connect()) as conn, _transaction(conn):
            # Row triggers would multiply the load time of summed rows; what they keep (the
            # totals and monthly aggregates) is summed again from the rows instead, and the
            # triggers restored, inside this same transaction. Writes of other tables
            # (monthly data, prices) keep them.
            summed = any(table.table in SUMMED_TABLES for table in tables)
            triggers = self._suspend_triggers(conn) if summed else []
            # A database before schema version 6 (being filled to test its upgrade) has none.
            aggregated = summed and bool(
                conn.execute(load_sql("aggregates_exist", self.dialect)).fetchone()
            )
            if aggregated and replace:
                self._run_script(conn, "clear_aggregates")
            if replace:
                for table in reversed(tables):
                    conn.execute(f"DELETE FROM {table.table}")
            wells: set[int] = set()
            for table in tables:
                conn.executemany(_insert_sql(table), _rows(table, progress, wells))
            if aggregated:
                self._sum_again(conn, wells)
            elif summed:
                self._run_script(conn, "recompute_well_totals")
            for _name, sql in triggers:
                conn.execute(sql)

    def _suspend_triggers(self, conn: sqlite3.Connection) -> list[tuple[str, str]]:
        """Drop the triggers a bulk load replaces; their names and SQL, to restore them."""
        triggers = conn.execute(load_sql("bulk_suspended_triggers", self.dialect)).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        return [(str(name), str(sql)) for name, sql in triggers]

    def _sum_again(self, conn: sqlite3.Connection, wells: set[int]) -> None:
        """The well-months of the wells a load wrote, then every division aggregate and
        every total from the well-months (a few rows a well)."""
        for well_id in sorted(wells):
            self._run_script(conn, "rebuild_well_months", {"well_id": well_id})
        self._run_script(conn, "rebuild_division_aggregates")
        self._run_script(conn, "recompute_well_totals_from_months")

    def _run_script(
        self, conn: sqlite3.Connection, name: str, params: Mapping[str, Any] | None = None
    ) -> None:
        """Run the statements of one of the dialect's SQL files."""
        for statement in _statements(load_sql(name, self.dialect)):
            conn.execute(statement, params or {})

    async def execute(self, sql: str, params: Params) -> int:
        return await anyio.to_thread.run_sync(self._execute_write, sql, _adapt(params))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        # An idle connection when one is kept: a new one parses the whole schema first.
        conn = await anyio.to_thread.run_sync(self._reader)
        session = _SQLiteSession(conn)
        try:
            yield session
        finally:
            with anyio.CancelScope(shield=True):
                await session.call(self._end_session, conn)

    def _end_session(self, conn: sqlite3.Connection) -> None:
        """Drop the session's staging (its TEMP tables), then keep or close the connection."""
        try:
            with _errors():
                temporary = conn.execute(
                    "SELECT name FROM temp.sqlite_master WHERE type = 'table'"
                ).fetchall()
                for (name,) in temporary:
                    conn.execute(f'DROP TABLE temp."{name}"')
        except DatabaseError:
            conn.close()
            return
        self._release(conn)

    def _execute_write(self, sql: str, params: Mapping[str, Any]) -> int:
        with closing(self.connect()) as conn, _transaction(conn):
            return conn.execute(sql, params).rowcount

    async def recompute_totals(self) -> None:
        await anyio.to_thread.run_sync(self._recompute_totals)

    def _recompute_totals(self) -> None:
        with closing(self.connect()) as conn, _transaction(conn):
            self._run_script(conn, "recompute_well_totals")


class _SQLiteSession(Session):
    """A connection of one write. Staged rows go to TEMP tables, which live in the
    connection's own temporary database: loading them takes no lock on the main file, so
    readers and other writers go on while a client uploads; only `transaction` takes the
    write lock (BEGIN IMMEDIATE), for the statements that move the rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.staged = 0  # rows loaded so far

    @property
    def inline(self) -> bool:
        """Whether the session's statements run on the event loop's thread (INLINE_ROWS)."""
        return self.staged <= INLINE_ROWS

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run a call on the connection: inline while the write is small, else in a worker."""
        if self.inline:
            return function(*args)
        return await anyio.to_thread.run_sync(function, *args)

    async def prepare(self, sql: str) -> None:
        await self.call(self._run, sql)

    def _run(self, sql: str) -> None:
        with _errors():
            self.conn.execute(sql)

    async def load(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        self.staged += len(rows)
        await self.call(self._load, _insert(table, columns), rows)

    async def load_table(self, table: str, columns: Sequence[str], data: Any) -> None:
        self.staged += int(data.num_rows)
        await self.call(self._load_table, _insert(table, columns), data)

    def _load_table(self, sql: str, data: Any) -> None:
        self._load(sql, table_rows(data, dates_as_text=True))

    def _load(self, sql: str, rows: Sequence[Row]) -> None:
        with _errors():
            self.conn.execute("BEGIN")
            try:
                self.conn.executemany(sql, rows)  # dates by the adapter below
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        await anyio.to_thread.run_sync(self._run, "BEGIN IMMEDIATE")
        try:
            yield _SQLiteTransaction(self)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._run, "ROLLBACK")
            raise
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._run, "COMMIT")


class _SQLiteTransaction(Transaction):
    def __init__(self, session: _SQLiteSession) -> None:
        self.conn = session.conn
        self.call = session.call

    async def execute(self, sql: str, params: Params) -> int:
        return await self.call(self._execute, sql, _adapt(params))

    def _execute(self, sql: str, params: Mapping[str, Any]) -> int:
        with _errors():
            return self.conn.execute(sql, params).rowcount

    async def fetch(self, sql: str, params: Params) -> Batch:
        return await self.call(self._fetch, sql, _adapt(params))

    def _fetch(self, sql: str, params: Mapping[str, Any]) -> Batch:
        with _errors():
            cursor = self.conn.execute(sql, params)
            return Batch(column_names(cursor.description), cursor.fetchall())


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def _execute(cursor: sqlite3.Cursor, sql: str, params: Mapping[str, Any]) -> None:
    with _errors():
        cursor.execute(sql, params)


def _fetchmany(cursor: sqlite3.Cursor, size: int) -> list[Row]:
    with _errors():
        return cursor.fetchmany(size)


def _insert_sql(table: TableRows) -> str:
    """An INSERT of one row; with an upsert key, a row whose key exists replaces it.

    A key repeated within the rows is harmless: the later row wins. The totals the
    suspended triggers keep are recomputed from the rows afterwards, updates included.
    """
    columns = ", ".join(table.columns)
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {table.table} ({columns}) VALUES ({marks})"
    if table.upsert_key:
        sql += _on_conflict(table.columns, table.upsert_key)
    return sql


def _on_conflict(columns: Sequence[str], key: Sequence[str]) -> str:
    """The ON CONFLICT clause that makes an INSERT an upsert on `key`."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    action = f"UPDATE SET {updates}" if updates else "NOTHING"
    return f" ON CONFLICT ({', '.join(key)}) DO {action}"


def _rows(table: TableRows, progress: Progress, wells: set[int]) -> Iterable[Row]:
    """The table's rows as they are written: counted, and if they are daily rows, noting in
    `wells` the wells whose well-months the load changes."""
    rows = _counting(table.rows, progress) if table.counted else table.rows
    if table.table == "odm_daily_production":
        rows = _noting_wells(rows, table.columns.index("well_id"), wells)
    return rows


def _noting_wells(rows: Iterable[Row], index: int, wells: set[int]) -> Iterator[Row]:
    for row in rows:
        wells.add(row[index])
        yield row


def _counting(rows: Iterable[Row], progress: Progress) -> Iterator[Row]:
    count = 0
    for row in rows:
        yield row
        count += 1
        if count == PROGRESS_EVERY:
            progress(count)
            count = 0
    progress(count)


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies hold semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        part.strip().startswith("--") for part in current.strip().splitlines()
    ):
        raise ValueError(f"incomplete SQL statement at the end of the script: {current[:80]!r}")
    return statements


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing."""
    with _errors():
        conn.execute("BEGIN IMMEDIATE")
    try:
        with _errors():
            yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _insert(table: str, columns: Sequence[str]) -> str:
    """The statement inserting one row of these columns (executemany's)."""
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


@contextmanager
def _errors() -> Iterator[None]:
    """Turn driver errors into the backend-neutral ones."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "unable to open" in str(exc):
            raise DatabaseUnavailable(str(exc)) from exc
        raise DatabaseError(str(exc)) from exc
    except sqlite3.IntegrityError as exc:
        raise ConstraintViolation(str(exc)) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(str(exc)) from exc

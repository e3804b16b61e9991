"""The small interface every database backend implements, and its errors.

Backends return rows as tuples of plain Python values: int, float, str, None and
`datetime.date` (or an ISO date string), always with the names of their columns as the
cursor described them, so that nothing above this layer matches a column by position alone.
Everything above this layer is driver-free.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

Row = tuple[Any, ...]
Params = Mapping[str, Any]
Progress = Callable[[int], None]


class DatabaseUnavailable(Exception):
    """The database cannot be reached or gave no connection in time (HTTP 503)."""


class DatabaseError(Exception):
    """The database failed while answering a query."""


class ConstraintViolation(DatabaseError):
    """A write broke a constraint (a duplicate unique value, a missing parent row): the
    request's fault, answered 409, never a server error."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows of one fetch with the names of their columns (from the cursor's description)."""

    columns: tuple[str, ...]
    rows: Sequence[Row]


def column_names(description: Iterable[Sequence[Any]] | None) -> tuple[str, ...]:
    """The column names of a DB-API cursor description (empty for a statement without)."""
    return tuple(str(column[0]) for column in description or ())


@dataclass(frozen=True, slots=True)
class PoolStats:
    """How busy a backend's connections are, for the metrics."""

    in_use: int
    waiting: int
    size: int


@dataclass(frozen=True)
class TableRows:
    """Rows to write into one table, produced lazily."""

    table: str
    columns: tuple[str, ...]
    rows: Iterable[Row]
    counted: bool = False  # whether its rows count towards the progress reported
    # With a key, a row whose key exists replaces the stored row (an idempotent import);
    # without one, a duplicate key is an error that rolls the whole write back.
    upsert_key: tuple[str, ...] | None = None


class Transaction(abc.ABC):
    """Statements that commit together or not at all (see `Session.transaction`)."""

    @abc.abstractmethod
    async def execute(self, sql: str, params: Params) -> int:
        """Run one statement; return the rows it changed."""

    @abc.abstractmethod
    async def fetch(self, sql: str, params: Params) -> Batch:
        """Run one query; all its rows with their column names."""

    async def insert_unless_duplicate(self, sql: str) -> int | None:
        """Run an INSERT in a savepoint: the rows it inserted, or None (and nothing done)
        when it would have stored a key twice. By default None without running it: the
        caller then removes repeated keys first."""
        del sql
        return None


class Session(abc.ABC):
    """One connection held for one write: rows are staged in temporary tables first (without
    holding the database's write lock while a client uploads them), then moved by a few
    statements in one transaction."""

    @abc.abstractmethod
    async def prepare(self, sql: str) -> None:
        """Run a statement outside the transaction (creating a temporary staging table)."""

    @abc.abstractmethod
    async def load(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Bulk-insert rows into a staging table (COPY, or an array insert)."""

    async def load_table(self, table: str, columns: Sequence[str], data: Any) -> None:
        """Bulk-insert the rows of an Arrow table (its columns in `columns` order) into a
        staging table; by default as rows (dates as dates)."""
        from odm.db.arrow import table_rows  # pyarrow: loaded by the first columnar write

        await self.load(table, columns, table_rows(data, dates_as_text=False))

    @abc.abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """One transaction on this session's connection: committed when the block ends,
        rolled back if it raises."""


class Database(abc.ABC):
    """One database, opened once per process by the app's lifespan."""

    dialect: ClassVar[str]
    # Whether `stream_columns` can fetch Arrow batches (else the columnar path is not loaded).
    columnar: ClassVar[bool] = False

    @abc.abstractmethod
    async def open(self) -> None:
        """Prepare connections (pools, files)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release every connection."""

    @abc.abstractmethod
    async def fetch(self, sql: str, params: Params) -> Batch:
        """Run a query whose result is small: all its rows, with their column names."""

    async def fetch_all(self, sql: str, params: Params) -> list[Row]:
        """All rows of a small query whose columns the caller names itself (one value, or
        statements of the backends' own)."""
        return list((await self.fetch(sql, params)).rows)

    @abc.abstractmethod
    def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        """Yield the query's rows in batches from a cursor, holding one connection.

        The first batch is yielded even when the result is empty, so that its column
        names are always known; later batches are never empty.
        """

    async def load_column_driver(self) -> None:
        """Load what `stream_columns` needs now, so that the first columnar answer does not
        wait for it (nothing where it answers None)."""
        return None

    def stream_columns(
        self, sql: str, params: Params, batch_rows: int
    ) -> AsyncGenerator[Any] | None:
        """The query's rows as Arrow record batches fetched by the driver (the column names
        in each batch's schema; the first batch may be empty, later ones never are), or None
        where this backend cannot fetch this query so (the caller takes `stream`)."""
        return None

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The highest schema version applied (0 for an empty database)."""

    @abc.abstractmethod
    async def apply_migration(self, version: int, script: str) -> bool:
        """Apply one schema version in a transaction; False if it was already applied."""

    @abc.abstractmethod
    async def write_tables(
        self, tables: Sequence[TableRows], progress: Progress, replace: bool = False
    ) -> None:
        """Insert rows into several tables in one transaction, reporting rows written.

        With `replace`, every row of those tables is deleted first, in the same transaction.
        """

    @abc.abstractmethod
    async def execute(self, sql: str, params: Params) -> int:
        """Run one data-changing statement in its own transaction; return rows affected."""

    @abc.abstractmethod
    def session(self) -> AbstractAsyncContextManager[Session]:
        """A connection held for one write (staging, then one transaction)."""

    def pool_stats(self) -> PoolStats | None:
        """Connections lent out, requests waiting for one and connections open (None: the
        backend keeps no such figures)."""
        return None

    def for_reads(self) -> Database:
        """The database for a read that may trail the latest writes by a bounded time (a
        replica's, see odm.db.replicas); by default this one."""
        return self

    async def wait_for_changes(self, seconds: float) -> None:
        """Until the change log may have grown, or the timeout passes. Polling backends just
        wait; PostgreSQL wakes at once when a write commits (LISTEN)."""
        await asyncio.sleep(seconds)

    @abc.abstractmethod
    async def recompute_totals(self) -> None:
        """Rebuild every well's life-to-date totals (odm_well_totals) from its rows.

        The triggers keep running sums, which add and subtract floating-point numbers and so
        drift from a fresh sum (by about 1e-12); this sets them to fresh sums, in one
        transaction that writes to the summed tables wait for (or, on Oracle, that fails
        with ORA-08177 if such a write commits while it runs: run it again).
        """


def migrations_dir(dialect: str) -> Path:
    """The folder holding the DDL of a dialect, in a checkout or an installed wheel."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "database", package_dir.parent / "database"):
        if (candidate / dialect).is_dir():
            return candidate / dialect
    raise FileNotFoundError(f"no DDL folder for {dialect} beside {package_dir}")


def migration_scripts(dialect: str) -> list[tuple[int, Path]]:
    """The numbered DDL scripts (`NNN_name.sql`) of a dialect, in version order."""
    scripts = []
    for path in migrations_dir(dialect).glob("[0-9][0-9][0-9]_*.sql"):
        scripts.append((int(path.name[:3]), path))
    return sorted(scripts)


async def migrate(db: Database) -> list[int]:
    """Apply every schema version newer than the database's; return those applied."""
    applied = []
    current = await db.schema_version()
    for version, path in migration_scripts(db.dialect):
        if version > current and await db.apply_migration(version, path.read_text("utf-8")):
            applied.append(version)
    return applied

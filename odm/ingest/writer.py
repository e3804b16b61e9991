"""Moving accepted rows into a table: staged batch by batch (memory holds one batch), then
counted and upserted in one transaction with whatever else the write must record."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from odm.db.base import Batch, Database, Row, Session, Transaction
from odm.ingest.targets import Target
from odm.metrics import INGEST_ROWS
from odm.queries import ingest

# What runs in the write's transaction before the rows move (creating wells a file names)
# and after (remembering an Idempotency-Key's answer, the audit and change records).
Step = Callable[[Transaction, "Counts"], Awaitable[None]]


@dataclass(frozen=True)
class Counts:
    """What a write did to the stored rows."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # keys given more than once: the last row of each counted
    # A small write's rows as stored after it, for those it inserted or changed (the change
    # log carries their new values); a larger write is summarized instead.
    changed: tuple[dict[str, Any], ...] = ()


# Writes of at most this many rows log each row they change; larger ones a summary.
SMALL_WRITE = 20
# Writes inserting or changing at least this many rows keep their sums set by set where the
# backend's triggers would do it row by row (SQLite; see odm.queries.ingest.SetSums).
SET_SUMS_ROWS = 1000
# Writes of at most this many rows count their repeated keys while staging them.
SMALL_KEYS = 1000
# NDJSON blocks of at least this many records are read in columns (odm.ingest.columns).
MIN_COLUMNAR_ROWS = 256
# Writes staging at least this many rows into a table with room to make (PostgreSQL's daily
# partitions) first ask whether it holds any row in their days: when none, every staged row
# is new and they are not counted against the table key by key (a join over every staged
# row: 1.2 s of a 1M-row write). Below this, looking each key up costs less than reading a
# year's partition that holds no row in those days.
SPAN_CHECK_ROWS = 100_000


class Staged(NamedTuple):
    """An accepted row: its values in the target's column order and the bits of the
    columns it gave (see odm.queries.ingest). A tuple: millions are made per write."""

    values: Row
    fieldset: int


class Columns(NamedTuple):
    """Accepted rows in columns: an Arrow table with the target's columns in order (typed
    as odm.ingest.columns.ARROW_TYPES), and the bits of the columns every row gave (see
    odm.queries.ingest)."""

    table: Any  # pyarrow.Table
    fieldset: int

    @property
    def rows(self) -> int:
        """How many rows."""
        return int(self.table.num_rows)

    def keys(self, key: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """Each row's key, as the row path's values are (ids and dates)."""
        return list(zip(*(self.table.column(name).to_pylist() for name in key), strict=True))

    def staged(self, names: tuple[str, ...], position: int) -> Any:
        """The rows as loaded into the staging table (`names`: its columns): numbered from
        `position`, with their fieldset."""
        # Loaded by the first columnar write (odm.ingest.columns).
        import pyarrow as pa

        from odm.columnar import int_array, int_scalar

        rows = self.rows
        numbers = int_array(range(position, position + rows))
        fieldsets = pa.repeat(int_scalar(self.fieldset), rows)
        return pa.table([numbers, fieldsets, *self.table.columns], names=list(names))


async def write(
    db: Database,
    target: Target,
    batches: AsyncIterable[Sequence[Staged] | Columns],
    before: Sequence[Step] = (),
    after: Sequence[Step] = (),
    commit: Callable[[], bool] = lambda: True,
) -> Counts:
    """Stage every batch, then (unless `commit()` says no: a rejected row in an
    all-or-nothing write) count and move the rows in one transaction, between the steps."""
    statements = ingest.write_statements(db.dialect, target)
    async with db.session() as session:
        await session.prepare(ingest.create_staging(db.dialect, target))
        keys = _Keys(target)
        await _stage_all(session, target, batches, keys)
        if not commit():
            return Counts()
        room = ingest.make_room(db.dialect, target)
        if room is not None:
            # Outside the transaction: a new partition's lock is held only while it is made.
            await session.prepare(room.cover)
        async with session.transaction() as tx:
            for step in before:
                await step(tx, Counts())
            all_new = (
                room is not None
                and keys.staged >= SPAN_CHECK_ROWS
                and not await _number(tx, room.stored)
            )
            counts = await _move(tx, db.dialect, statements, keys.repeated(), all_new)
            for step in after:
                await step(tx, counts)
    count_ingest(target.table, counts)
    return counts


def count_ingest(table: str, counts: Counts) -> None:
    """Add a committed write's rows to the metrics, by what happened to them."""
    for outcome in ("inserted", "updated", "unchanged"):
        INGEST_ROWS.labels(table, outcome).inc(getattr(counts, outcome))


class _Keys:
    """The keys of a small write's staged rows, to count the repeated ones without asking the
    database; past SMALL_KEYS rows the database counts them (memory stays bounded)."""

    def __init__(self, target: Target) -> None:
        columns = list(target.types)
        self.key = target.key
        self.positions = [columns.index(column) for column in target.key]
        self.seen: Counter[tuple[Any, ...]] | None = Counter()
        self.staged = 0

    def add(self, batch: Sequence[Staged] | Columns) -> None:
        """Note a batch's keys (while the write is still small)."""
        self.staged += batch.rows if isinstance(batch, Columns) else len(batch)
        if self.staged > SMALL_KEYS:
            self.seen = None
        if self.seen is None:
            return
        if isinstance(batch, Columns):
            self.seen.update(batch.keys(self.key))
        else:
            self.seen.update(tuple(row.values[p] for p in self.positions) for row in batch)

    def repeated(self) -> int | None:
        """How many keys were staged more than once; None when not counted (too many)."""
        if self.seen is None:
            return None
        return sum(1 for count in self.seen.values() if count > 1)


async def _stage_all(
    session: Session,
    target: Target,
    batches: AsyncIterable[Sequence[Staged] | Columns],
    keys: _Keys,
) -> None:
    """Load every batch into the staging table, each while the next is read: memory holds
    the batch being loaded and the one being read."""
    loading: asyncio.Task[None] | None = None
    position = 0
    table, columns = ingest.staging_table(target), ingest.staged_columns(target)
    try:
        async for batch in batches:
            keys.add(batch)
            load: Awaitable[None] | None = None
            if isinstance(batch, Columns):
                if batch.rows:
                    load = session.load_table(table, columns, batch.staged(columns, position))
                position += batch.rows
            else:
                rows = [(position + i, row.fieldset, *row.values) for i, row in enumerate(batch)]
                position += len(rows)
                load = session.load(table, columns, rows) if rows else None
            del batch
            if loading is not None:
                await loading
                loading = None
            if load is not None:
                loading = asyncio.ensure_future(load)
        if loading is not None:
            await loading
    finally:
        # A body that fails while a batch loads: that load (one batch) ends before the
        # session does, whatever it answers; the body's error is the one raised.
        if loading is not None and not loading.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(loading)


async def _move(
    tx: Transaction,
    dialect: str,
    statements: ingest.WriteStatements,
    repeated: int | None,
    all_new: bool = False,
) -> Counts:
    """Drop repeated keys' earlier rows, count, update the changed rows, insert the new
    (`repeated`: the keys staged more than once, when counted while staging; `all_new`:
    the table holds no row in the staged days, so none of their keys is stored)."""
    if all_new and repeated is None:
        # Most large writes of new days give each key once: insert them all at once, and
        # count repeated keys (a GROUP BY over every staged row) only if that fails on one.
        inserted = await tx.insert_unless_duplicate(statements.insert_all)
        if inserted is not None:
            return Counts(inserted=inserted)
    if repeated is None:
        repeated = await _number(tx, statements.repeated_keys)
    if repeated:
        if dialect != "oracle":  # an index on a temporary table in use is refused there
            await tx.execute(statements.index_keys, {})
        await tx.execute(statements.drop_repeats, {})
    if all_new:
        staged, matched, changed = await _number(tx, statements.staged), 0, 0
    else:
        counts = await tx.fetch(statements.counts, {})
        found = dict(zip((c.lower() for c in counts.columns), counts.rows[0], strict=True))
        staged, matched, changed = (int(found[n] or 0) for n in ("staged", "matched", "changed"))
    small = staged <= SMALL_WRITE and (staged > matched or changed)
    keys = await tx.fetch(statements.changed_keys, {}) if small else None
    sums = statements.sums if staged - matched + changed >= SET_SUMS_ROWS else None
    triggers = await _suspend(tx, sums) if sums is not None else ()
    if changed:
        await tx.execute(statements.update, {})
    if staged > matched:
        # None of the keys stored (as counted in this transaction): every staged row is
        # new. A key another writer stores meanwhile makes the insert fail (a conflict)
        # rather than be skipped unwritten.
        await tx.execute(statements.insert if matched else statements.insert_all, {})
    if sums is not None:
        await _sum_set(tx, sums, triggers)
    rows = await _stored(tx, statements, keys) if keys is not None else ()
    return Counts(staged - matched, changed, matched - changed, repeated, rows)


async def _suspend(tx: Transaction, sums: ingest.SetSums) -> tuple[tuple[str, str], ...]:
    """Drop the table's row triggers for this transaction, noting what the rows they would
    touch sum to before the move; the triggers' names and SQL, to restore them."""
    triggers = tuple(
        (str(name), str(sql)) for name, sql in (await tx.fetch(sums.triggers, {})).rows
    )
    for name, _sql in triggers:
        await tx.execute(f'DROP TRIGGER "{name}"', {})
    await tx.execute(sums.touched, {})
    await tx.execute(sums.subtract, {})
    return triggers


async def _sum_set(
    tx: Transaction, sums: ingest.SetSums, triggers: tuple[tuple[str, str], ...]
) -> None:
    """Add the moved rows' differences to the sums, and restore the triggers."""
    await tx.execute(sums.add, {})
    await tx.execute(sums.months, {})
    await tx.execute(sums.totals, {})
    for _name, sql in triggers:
        await tx.execute(sql, {})
    for drop in sums.drop:
        await tx.execute(drop, {})


async def _stored(
    tx: Transaction, statements: ingest.WriteStatements, keys: Batch
) -> tuple[dict[str, Any], ...]:
    """The stored rows of the keys a small write inserted or changed."""
    wanted = {tuple(_plain(v) for v in row) for row in keys.rows}
    stored = await tx.fetch(statements.stored, {})
    names = [c.lower() for c in stored.columns]
    key_names = [c.lower() for c in keys.columns]
    rows = (dict(zip(names, row, strict=True)) for row in stored.rows)
    return tuple(r for r in rows if tuple(_plain(r[k]) for k in key_names) in wanted)


def _plain(value: Any) -> Any:
    """A key value as comparable text (dates come back as dates or ISO text by backend)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _number(tx: Transaction, sql: str) -> int:
    result = await tx.fetch(sql, {})
    return int(result.rows[0][0] or 0)

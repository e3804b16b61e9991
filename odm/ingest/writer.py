"""Moving accepted rows into a table: staged batch by batch (memory holds one batch), then
counted and upserted in one transaction with whatever else the write must record."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Staged:
    """An accepted row: its values in the target's column order and the bits of the
    columns it gave (see odm.queries.ingest)."""

    values: Row
    fieldset: int


async def write(
    db: Database,
    target: Target,
    batches: AsyncIterable[Sequence[Staged]],
    before: Sequence[Step] = (),
    after: Sequence[Step] = (),
    commit: Callable[[], bool] = lambda: True,
) -> Counts:
    """Stage every batch, then (unless `commit()` says no: a rejected row in an
    all-or-nothing write) count and move the rows in one transaction, between the steps."""
    statements = ingest.write_statements(db.dialect, target)
    async with db.session() as session:
        await session.prepare(ingest.create_staging(db.dialect, target))
        position = 0
        async for batch in batches:
            position = await _stage(session, target, batch, position)
            del batch  # memory holds one batch: not this one while the next is read
        if not commit():
            return Counts()
        async with session.transaction() as tx:
            for step in before:
                await step(tx, Counts())
            counts = await _move(tx, db.dialect, statements)
            for step in after:
                await step(tx, counts)
    count_ingest(target.table, counts)
    return counts


def count_ingest(table: str, counts: Counts) -> None:
    """Add a committed write's rows to the metrics, by what happened to them."""
    for outcome in ("inserted", "updated", "unchanged"):
        INGEST_ROWS.labels(table, outcome).inc(getattr(counts, outcome))


async def _stage(session: Session, target: Target, batch: Sequence[Staged], position: int) -> int:
    """Load one batch into the staging table; the position after it."""
    rows = [(position + i, row.fieldset, *row.values) for i, row in enumerate(batch)]
    if rows:
        await session.load(ingest.staging_table(target), ingest.staged_columns(target), rows)
    return position + len(rows)


async def _move(tx: Transaction, dialect: str, statements: ingest.WriteStatements) -> Counts:
    """Drop repeated keys' earlier rows, count, update the changed rows, insert the new."""
    repeated = await _number(tx, statements.repeated_keys)
    if repeated:
        if dialect != "oracle":  # an index on a temporary table in use is refused there
            await tx.execute(statements.index_keys, {})
        await tx.execute(statements.drop_repeats, {})
    counts = await tx.fetch(statements.counts, {})
    found = dict(zip((c.lower() for c in counts.columns), counts.rows[0], strict=True))
    staged, matched, changed = (int(found[n] or 0) for n in ("staged", "matched", "changed"))
    small = staged <= SMALL_WRITE and (staged > matched or changed)
    keys = await tx.fetch(statements.changed_keys, {}) if small else None
    if changed:
        await tx.execute(statements.update, {})
    if staged > matched:
        await tx.execute(statements.insert, {})
    rows = await _stored(tx, statements, keys) if keys is not None else ()
    return Counts(staged - matched, changed, matched - changed, repeated, rows)


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

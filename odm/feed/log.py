"""Appending to the change log, in the transaction of the change it records.

Ids come from a one-row counter that the write locks until it commits, so they are gapless
and in commit order: a reader that has seen id N has seen every change committed before N+1.
A rolled-back write rolls its entries (and the counter) back with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from odm.db.base import Transaction
from odm.feed.hub import stamp
from odm.ingest.targets import Target
from odm.ingest.writer import Counts
from odm.queries import feed as queries_for_feed
from odm.queries import load_sql


@dataclass(frozen=True)
class Entry:
    """One change: what it belongs to (division, well), what changed and how."""

    entity: str
    kind: str
    payload: Mapping[str, Any]
    division_id: int | None = None
    well_id: int | None = None


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def append(tx: Transaction, dialect: str, entries: Sequence[Entry]) -> int:
    """Append entries at the end of the log; the last id written (0 if none)."""
    if not entries:
        return 0
    first = await _take_ids(tx, dialect, len(entries))
    now = dt.datetime.now(dt.UTC)
    for change_id, entry in enumerate(entries, start=first):
        payload = orjson.dumps({k: _json(v) for k, v in entry.payload.items()}).decode()
        params = {
            "change_id": change_id,
            "changed_at": stamp(now, dialect),
            "division_id": entry.division_id,
            "entity": entry.entity,
            "kind": entry.kind,
            "well_id": entry.well_id,
            "payload": payload,
        }
        await tx.execute(load_sql("insert_change", dialect), params)
    return first + len(entries) - 1


async def _take_ids(tx: Transaction, dialect: str, count: int) -> int:
    """The first of `count` new change ids; the counter stays locked until the commit (on
    PostgreSQL the same statement wakes the listeners at the commit)."""
    if dialect == "oracle":  # an UPDATE's RETURNING needs OUT binds there: lock, then set
        locked = await tx.fetch(load_sql("lock_change_counter", dialect), {})
        last = int(locked.rows[0][0])
        await tx.execute(load_sql("set_change_counter", dialect), {"last_id": last + count})
        return last + 1
    taken = await tx.fetch(load_sql("advance_change_counter", dialect), {"count": count})
    return int(taken.rows[0][0]) - count + 1


async def write_entries(
    tx: Transaction, dialect: str, target: Target, counts: Counts
) -> list[Entry]:
    """What a write of rows changed: each row of a small write with its new values (and its
    well's new totals), or a summary per division of a larger one; nothing if nothing
    changed."""
    if not (counts.inserted or counts.updated):
        return []
    entity = target.name
    if counts.changed:
        totals = await _totals(tx, counts.changed)
        return [_row_entry(entity, row, totals) for row in counts.changed]
    summary = await tx.fetch(queries_for_feed.summary(target), {})
    names = [c.lower() for c in summary.columns]
    entries = []
    for row in summary.rows:
        values = dict(zip(names, row, strict=True))
        division = values.pop("division_id", None)
        values["row_count"] = int(values["row_count"])  # a SUM: numeric on PostgreSQL
        payload = {**values, "inserted": counts.inserted, "updated": counts.updated}
        entries.append(Entry(entity, "bulk", payload, _int(division)))
    return entries


def _row_entry(
    entity: str, row: Mapping[str, Any], totals: Mapping[int, Mapping[str, Any]]
) -> Entry:
    well = _int(row.get("well_id"))
    payload: dict[str, Any] = dict(row)
    if well is not None and well in totals:
        payload["well_totals"] = dict(totals[well])
    division = _int(row.get("division_id")) or _int(totals.get(well or 0, {}).get("division_id"))
    return Entry(entity, "upsert", payload, division, well)


async def _totals(tx: Transaction, rows: Sequence[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """The new life-to-date totals (and division) of the wells a small write changed."""
    wells = sorted({int(r["well_id"]) for r in rows if r.get("well_id") is not None})
    if not wells:
        return {}
    query = queries_for_feed.well_totals(wells)
    result = await tx.fetch(query.sql, query.params)
    names = [c.lower() for c in result.columns]
    found = {}
    for row in result.rows:
        values = dict(zip(names, row, strict=True))
        found[int(values.pop("well_id"))] = values
    return found


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


async def well_state(tx: Transaction, well_id: int) -> dict[str, Any]:
    """A well's division and life-to-date totals, as of this transaction."""
    return (await _totals(tx, [{"well_id": well_id}])).get(well_id, {})

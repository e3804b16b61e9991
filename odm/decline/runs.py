"""Decline runs over the database: histories streamed in one ordered query and analysed a
chunk of entities at a time in a worker thread, so that the event loop stays free and
memory holds one chunk, whatever the number of wells.

Each `open_*` function runs its queries and fetches the first batch before it returns, so a
database that is down or a query that fails is a clean error before a response starts.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import anyio.to_thread

from odm.db.base import Batch, Database
from odm.decline.analysis import Analysis, Options, analyse, empty_history
from odm.decline.histories import daily_history, grouped, monthly_history
from odm.decline.series import History
from odm.queries.compose import DivisionScope
from odm.queries.decline import (
    EntitySet,
    WellSet,
    decline_daily_series,
    decline_monthly_series,
    decline_wells,
)
from odm.rows import getter

CHUNK = 32  # entities analysed per trip to the worker thread
Identity = tuple[Any, ...]
Histories = AsyncGenerator[tuple[Identity, History]]


async def _opened(db: Database, sql: str, params: Any, batch_rows: int) -> AsyncGenerator[Batch]:
    """The query's batches, its first one already fetched when this returns."""
    batches = db.stream(sql, params, batch_rows)
    try:
        first = await anext(batches)
    except BaseException:
        await batches.aclose()
        raise

    async def replay() -> AsyncGenerator[Batch]:
        try:
            yield first
            async for batch in batches:
                yield batch
        finally:
            await batches.aclose()

    return replay()


WELL_IDENTITY = ("well_id", "well_name", "division_id", "division_name")


async def open_well_histories(
    db: Database, scope: DivisionScope, wells: WellSet, phase: str, batch_rows: int
) -> tuple[list[Identity], Histories]:
    """The wells of the set (well_id, well_name, division_id, division_name) by id, and
    each one's daily history in the same order (empty for a well without daily rows)."""
    listed = decline_wells(db.dialect, scope, wells)
    found = await db.fetch(listed.sql, listed.params)
    identity = getter(tuple(c.lower() for c in found.columns), *WELL_IDENTITY)
    identities = [identity(row) for row in found.rows]
    series = decline_daily_series(db.dialect, scope, wells)
    batches = await _opened(db, series.sql, series.params, batch_rows)
    return identities, _merged(identities, batches, phase)


async def _merged(
    identities: list[Identity], batches: AsyncGenerator[Batch], phase: str
) -> Histories:
    groups = grouped(batches, ("well_id",))
    try:
        pending = await anext(groups, None)
        for identity in identities:
            if pending is not None and pending[0][0] == identity[0]:
                yield identity, daily_history(pending[1], pending[2], phase)
                pending = await anext(groups, None)
            else:
                yield identity, empty_history("day")
    finally:
        await groups.aclose()
        await batches.aclose()


async def open_entity_histories(
    db: Database, scope: DivisionScope, entities: EntitySet, phase: str, batch_rows: int
) -> Histories:
    """((entity_type, entity_key, entity_name, division_id), monthly history) of each
    entity of the set with monthly rows, by type and key."""
    series = decline_monthly_series(db.dialect, scope, entities)
    batches = await _opened(db, series.sql, series.params, batch_rows)
    return _entities(batches, phase)


async def _entities(batches: AsyncGenerator[Batch], phase: str) -> Histories:
    names = ("entity_type", "entity_key", "entity_name", "division_id")
    groups = grouped(batches, ("entity_type", "entity_key"))
    try:
        async for _key, rows, columns in groups:
            yield getter(columns, *names)(rows[0]), monthly_history(rows, columns, phase)
    finally:
        await groups.aclose()
        await batches.aclose()


def _analyse_all(
    chunk: list[tuple[Identity, History]], options: Options
) -> list[tuple[Identity, Analysis]]:
    return [(identity, analyse(history, options)) for identity, history in chunk]


async def analysed(
    histories: Histories, options: Options, chunk: int = CHUNK
) -> AsyncIterator[list[tuple[Identity, Analysis]]]:
    """The histories' analyses, a chunk at a time, computed in a worker thread."""
    buffer: list[tuple[Identity, History]] = []
    work: Callable[..., list[tuple[Identity, Analysis]]] = _analyse_all
    try:
        async for item in histories:
            buffer.append(item)
            if len(buffer) >= chunk:
                yield await anyio.to_thread.run_sync(work, buffer, options)
                buffer = []
        if buffer:
            yield await anyio.to_thread.run_sync(work, buffer, options)
    finally:
        await histories.aclose()

"""Decline runs over the database: histories streamed in one ordered query and analysed a
chunk of entities at a time, in a worker thread or (for many wells) in one process per
core, so that the event loop stays free and memory holds a few chunks, whatever the number
of wells.

Each `open_*` function runs its queries and fetches the first batch before it returns, so a
database that is down or a query that fails is a clean error before a response starts.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import anyio.to_thread

from odm.db.base import Batch, Database
from odm.decline.analysis import Options, analyse, empty_history, values
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

CHUNK = 32  # entities analysed per trip to a worker thread or process
POOL_MIN_ENTITIES = 256  # fewer are analysed in a thread: starting processes costs more
IN_FLIGHT = 8  # chunks queued for the worker processes at most
Identity = dict[str, Any]  # the entity's identifying columns by name
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
    identities = [dict(zip(WELL_IDENTITY, identity(row), strict=True)) for row in found.rows]
    series = decline_daily_series(db.dialect, scope, wells, phase)
    batches = await _opened(db, series.sql, series.params, batch_rows)
    return identities, _merged(identities, batches, phase)


async def _merged(
    identities: list[Identity], batches: AsyncGenerator[Batch], phase: str
) -> Histories:
    groups = grouped(batches, ("well_id",))
    try:
        pending = await anext(groups, None)
        for identity in identities:
            if pending is not None and pending[0][0] == identity["well_id"]:
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
            identity = dict(zip(names, getter(columns, *names)(rows[0]), strict=True))
            yield identity, monthly_history(rows, columns, phase)
    finally:
        await groups.aclose()
        await batches.aclose()


def analyse_all(
    chunk: list[tuple[Identity, History]], options: Options
) -> list[tuple[Identity, dict[str, Any]]]:
    """Each history's analysis as the named values of its row (field units)."""
    return [(identity, values(analyse(history, options))) for identity, history in chunk]


def _pool(wells: int) -> ProcessPoolExecutor | None:
    """Worker processes, one per core, for a run of many wells (None: a worker thread).

    The processes are forked from a server process that has already imported the numerics,
    so each starts in milliseconds; the database is read by the request's own process."""
    cores = os.cpu_count() or 1
    if wells < POOL_MIN_ENTITIES or cores < 2:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scipy.optimize", "scipy.special", "odm.decline.runs"])
    return ProcessPoolExecutor(cores, mp_context=context)


async def analysed(
    histories: Histories, options: Options, entities: int = 0
) -> AsyncIterator[list[tuple[Identity, dict[str, Any]]]]:
    """The histories' analyses as row values, a chunk at a time and in order: in a worker
    thread, or with `entities` at least `POOL_MIN_ENTITIES`, in worker processes (a few
    chunks in flight, so memory stays bounded)."""
    pool = _pool(entities)
    pending: deque[asyncio.Future[list[tuple[Identity, dict[str, Any]]]]] = deque()
    buffer: list[tuple[Identity, History]] = []
    try:
        async for item in histories:
            buffer.append(item)
            if len(buffer) < CHUNK:
                continue
            if pool is None:
                yield await anyio.to_thread.run_sync(analyse_all, buffer, options)
            else:
                pending.append(_submit(pool, buffer, options))
                while len(pending) > IN_FLIGHT:
                    yield await pending.popleft()
            buffer = []
        if buffer and pool is None:
            yield await anyio.to_thread.run_sync(analyse_all, buffer, options)
        elif buffer and pool is not None:
            pending.append(_submit(pool, buffer, options))
        while pending:
            yield await pending.popleft()
    finally:
        for future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        await histories.aclose()


def _submit(
    pool: ProcessPoolExecutor, chunk: list[tuple[Identity, History]], options: Options
) -> asyncio.Future[list[tuple[Identity, dict[str, Any]]]]:
    return asyncio.get_running_loop().run_in_executor(pool, analyse_all, chunk, options)

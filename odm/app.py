"""The FastAPI application, built from settings; the lifespan opens and closes the database."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from odm import __version__
from odm.api import (
    admin,
    budget,
    changes,
    decline,
    divisions,
    health,
    master,
    metrics,
    monthly_rollups,
    prices,
    production,
    rollups,
    seed,
    typecurves,
    wells,
    writes,
)
from odm.api.auth import admit, install_access_control
from odm.api.errors import install_error_handlers
from odm.api.middleware import ObserveRequests, SendTimeout
from odm.config import Settings
from odm.db import open_database
from odm.db.base import Database, DatabaseError, DatabaseUnavailable, migrate
from odm.feed.hub import Hub
from odm.feed.keys import KeyChecks
from odm.ingest.wells import WellKeyCache
from odm.lifecycle import CutOnShutdown, Lifecycle, hook_signals
from odm.logs import configure_logging
from odm.metrics import forget_process, observe_pool
from odm.queries import load_sql
from odm.web.pages import install_web

log = logging.getLogger("odm")
# Allocations before a young pass, young passes before a middle one, middle passes before
# a full one (CPython's default: 700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 100)
POOL_SAMPLE_SECONDS = 1.0
# How often a server makes the coming years' daily partitions (see _partitions_ahead).
PARTITIONS_AHEAD_SECONDS = 6 * 3600.0
PARTITIONS_RETRY_SECONDS = 300.0  # after a failure (the database down, the lock busy)

DESCRIPTION = """
Oil and gas division and well data, streamed from the company database.

**Units.** Oil, water and water injected in **bbl** (US barrels); gas in **Mcf** (thousand
standard cubic feet at 60 °F and 14.696 psia); money in **USD**; oil price in **USD/bbl**;
hours on in **hours**. Dates are production days, `YYYY-MM-DD`.

**Streaming.** Every list is sent in chunks while the database produces it. If the database
fails mid-stream the connection is closed without the final chunk: the client sees a
transfer error, never a complete-looking body that lacks rows.
"""


async def _migrate_if_reachable(db: Database) -> None:
    """Apply pending schema versions; a database that is down must not stop the service,
    which answers 503 until it returns."""
    try:
        applied = await migrate(db)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable at start, schema not checked: %s", exc)
        return
    if applied:
        log.info("applied schema versions %s", applied)


def create_app(settings: Settings) -> FastAPI:
    """An ODM application over the database the settings name."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings)
        await db.open()
        try:
            if settings.columnar and db.columnar:
                # Imported only here: pyarrow costs a server about 40 MB.
                from odm.api import column_streams

                await column_streams.preload(db)
            if settings.migrate_on_start and db.dialect != "oracle":
                await _migrate_if_reachable(db)
            app.state.db = db
            hub = Hub(
                db,
                settings.feed_poll_seconds,
                settings.change_retention_days,
                settings.feed_batch_seconds,
                changes.RECHECK_SECONDS,
            )
            await hub.start()
            app.state.hub = hub
            lifecycle.on_drain.append(hub.close)
            unhook = hook_signals(lifecycle)
            sampler = asyncio.create_task(_sample_pool(db), name="odm-pool-metrics")
            ahead = asyncio.create_task(_partitions_ahead(db), name="odm-partitions-ahead")
            # What startup made (modules, routes, models: about 100,000 objects) lives as long
            # as the process: frozen, the collector's full passes no longer walk it. They took
            # up to 54 ms each, stalling every request in flight (p99 under wrk 141 -> 117 ms).
            gc.collect()
            gc.freeze()
            # What serving makes (a connection's objects, the feed's window) then gets its
            # full passes rarely: with CPython's default thresholds (700, 10, 10), 1,000
            # feed subscribers meant a full pass of 180-200 ms every 3 s or so, and gen1
            # passes of 6 ms several times a second, each stalling every stream and request
            # (bench/findings.md). Cycles are still collected young; most objects are freed
            # by their reference counts at once, whatever the thresholds.
            gc.set_threshold(*GC_THRESHOLDS)
            try:
                yield
            finally:
                sampler.cancel()
                ahead.cancel()
                unhook()
                await hub.stop()
                forget_process(os.getpid())
                if lifecycle.draining:
                    log.info("shutdown complete")
        finally:
            await db.close()

    app = FastAPI(
        title="ODM: Operations Data Management",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local files by install_web: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.key_checks = KeyChecks(changes.RECHECK_SECONDS)
    app.state.well_keys = WellKeyCache()  # the wells' identifiers, for HTTP writes
    lifecycle = Lifecycle(settings.shutdown_grace)
    app.state.lifecycle = lifecycle
    install_error_handlers(app, settings.retry_after)
    app.add_middleware(SendTimeout, seconds=settings.send_timeout)
    install_access_control(app, settings)
    app.add_middleware(CutOnShutdown, lifecycle=lifecycle)
    app.add_middleware(ObserveRequests)  # outermost: the request id covers every answer
    guarded = [Depends(admit)]  # every route but /health: a caller, within its limits
    app.include_router(seed.router, dependencies=guarded)
    for router in (
        divisions.router,
        wells.router,
        production.router,
        monthly_rollups.router,
        rollups.router,
        budget.router,
        decline.router,
        typecurves.router,
        prices.router,
        writes.router,
        master.router,
        changes.router,
        admin.router,
    ):
        app.include_router(router, dependencies=guarded)
    app.include_router(health.router)
    app.include_router(metrics.router)
    install_web(app)
    return app


async def _sample_pool(db: Database) -> None:
    """Keep the connection gauges current (each worker its own, summed at scrape time)."""
    while True:
        observe_pool(db.pool_stats())
        await asyncio.sleep(POOL_SAMPLE_SECONDS)


async def _partitions_ahead(db: Database) -> None:
    """Make daily production's partitions of this year and the next ahead of the writes
    (PostgreSQL): at start, then every PARTITIONS_AHEAD_SECONDS. A failure (the database
    down, a role that may not create tables) is logged and tried again next time."""
    if db.dialect != "postgresql":
        return
    sql = load_sql("daily_partitions_ahead", db.dialect)
    while True:
        try:
            await db.execute(sql, {})
        except (DatabaseUnavailable, DatabaseError) as exc:
            log.warning("could not make the coming years' partitions (tried again soon): %s", exc)
            await asyncio.sleep(PARTITIONS_RETRY_SECONDS)
            continue
        await asyncio.sleep(PARTITIONS_AHEAD_SECONDS)


def app_from_environment() -> FastAPI:
    """An app configured from the environment and `.env` (for uvicorn --factory and
    `uvicorn service:app`), logging as the settings say."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)

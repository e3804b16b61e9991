"""SEED-STYLE BASELINE, NOT ODM: the export as the published design's service would do it.

The design's service read its whole result (a CLOB), parsed it, validated it through a
pydantic response model and serialized it again as one JSON body. This app does the same
with the same rows: fetch all rows, build one dict per row, return the list through
`response_model=list[DailyProduction]`. It exists only to be measured against ODM's stream.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bench.datasets import EXPORT_FIELDS, EXPORT_SQL
from odm.config import Settings
from odm.db import open_database
from odm.models import DailyProduction


def create_app(url: str) -> FastAPI:
    """The seed-style baseline over the database at `url`."""
    db = open_database(Settings(database_url=url), url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.open()
        yield
        await db.close()

    app = FastAPI(title="seed-style baseline (not ODM)", lifespan=lifespan)

    @app.get("/v1/production/daily", response_model=list[DailyProduction])
    async def export_daily_production() -> list[dict[str, object]]:
        """Every daily row, fetched whole, validated and sent as one JSON body."""
        rows = await db.fetch_all(EXPORT_SQL, {})
        return [dict(zip(EXPORT_FIELDS, row, strict=True)) for row in rows]

    return app


def app_from_env() -> FastAPI:
    """`uvicorn --factory bench.seed_style:app_from_env`, reading BENCH_DATABASE_URL."""
    return create_app(os.environ["BENCH_DATABASE_URL"])

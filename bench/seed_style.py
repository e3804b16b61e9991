"""SEED-STYLE BASELINE, NOT ODM: the export as the published design's service would do it.

The design's service read its whole result (a CLOB), parsed it, validated it through a
pydantic response model and serialized it again as one JSON body. This app does the same
with the same rows: fetch all rows, build one dict per row, return the list through
`response_model=list[DailyProduction]`. It exists only to be measured against ODM's stream.

Its write endpoint is the naive one a seed-style service would add: the whole JSON array read
and validated into pydantic models, then one INSERT ... ON CONFLICT per row in one
transaction (the totals triggers fire per row, as in ODM).
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

_COLUMNS = "well_id, production_date, hours_on, oil, gas, water, water_injected, oil_sold"
_VALUES = ", ".join(f":{c.strip()}" for c in (_COLUMNS + ", sales_value").split(","))
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in (*_COLUMNS.split(", ")[2:], "sales_value"))
NAIVE_UPSERT = (
    f"INSERT INTO odm_daily_production ({_COLUMNS}, sales_value) VALUES ({_VALUES}) "
    f"ON CONFLICT (well_id, production_date) DO UPDATE SET {_UPDATES}"
)


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

    @app.post("/v1/production/daily")
    async def write_daily_production(rows: list[DailyProduction]) -> dict[str, int]:
        """Each row upserted by its own statement, all in one transaction."""
        async with db.session() as session, session.transaction() as tx:
            for row in rows:
                await tx.execute(NAIVE_UPSERT, row.model_dump(mode="json"))
        return {"written": len(rows)}

    return app


def app_from_env() -> FastAPI:
    """`uvicorn --factory bench.seed_style:app_from_env`, reading BENCH_DATABASE_URL."""
    return create_app(os.environ["BENCH_DATABASE_URL"])

"""Version 1 production resources: daily rows for any set of wells and dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from odm.api.deps import DB, AppSettings, Scope
from odm.api.errors import BadRequest, NotFound
from odm.api.formats import choose_format
from odm.api.streams import stream_query
from odm.db.base import Database
from odm.models import DailyProduction, ErrorResponse, field_names
from odm.queries import load_sql
from odm.queries.compose import Conditions, build
from odm.streaming import Format

router = APIRouter(prefix="/v1", tags=["production"])

MAX_ID = 2**63 - 1
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": list[DailyProduction],
        "content": {"application/x-ndjson": {}, "text/csv": {}},
    },
    404: {"model": ErrorResponse, "description": "Unknown well or division."},
    406: {"model": ErrorResponse, "description": "Unsupported Accept type."},
}


async def _require_known(db: Database, division_id: int | None, well_id: int | None) -> None:
    """A filter naming a well or division that does not exist is a 404, not an empty list."""
    if division_id is not None and not await db.fetch_all(
        load_sql("division_exists", db.dialect), {"division_id": division_id}
    ):
        raise NotFound(f"division {division_id} not found")
    if well_id is not None:
        wells = await db.fetch_all(load_sql("well_division", db.dialect), {"well_id": well_id})
        if not wells:
            raise NotFound(f"well {well_id} not found")
        if division_id is not None and wells[0][1] != division_id:
            raise NotFound(f"well {well_id} is not in division {division_id}")


@router.get("/production/daily", response_model=None, responses=STREAM_RESPONSES)
async def stream_daily_production(
    db: DB,
    settings: AppSettings,
    scope: Scope,
    fmt: Annotated[Format, Depends(choose_format)],
    division_id: Annotated[OptionalId, Query(description="Only this division's wells.")] = None,
    well_id: Annotated[OptionalId, Query(description="Only this well.")] = None,
    start: Annotated[dt.date | None, Query(description="First day, YYYY-MM-DD.")] = None,
    end: Annotated[dt.date | None, Query(description="Last day, YYYY-MM-DD.")] = None,
) -> StreamingResponse:
    """Daily production rows ordered by well and date, streamed whole (JSON, NDJSON or CSV)."""
    if start and end and start > end:
        raise BadRequest(f"start {start} is after end {end}")
    await _require_known(db, division_id, well_id)
    conditions = Conditions()
    conditions.add_well_scope(scope, "p.well_id")
    if division_id is not None:
        conditions.add(
            "p.well_id IN (SELECT w.well_id FROM odm_well w WHERE w.division_id = :division_id)",
            division_id=division_id,
        )
    if well_id is not None:
        conditions.add("p.well_id = :well_id", well_id=well_id)
    if start is not None:
        conditions.add("p.production_date >= :start", start=start)
    if end is not None:
        conditions.add("p.production_date <= :end", end=end)
    query = build(
        "daily_production", db.dialect, field_names(DailyProduction), conditions, "filters"
    )
    return await stream_query(db, query, fmt, settings.batch_rows)

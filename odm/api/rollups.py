"""Version 1 rollups of daily rows: monthly and yearly per well, division and company, with
rates, uptime, GOR, water cut and BOE; and cumulative (life, year and month to date)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api import quantities
from odm.api.deps import ListRequest
from odm.api.listing import list_spec
from odm.api.lookups import require_known
from odm.api.params import (
    BOE_DEFAULT,
    BoeFactor,
    DivisionFilter,
    End,
    Grain,
    IsoDate,
    LevelParam,
    Start,
    UnitsParam,
    WellFilter,
    fields_query,
)
from odm.api.responses import list_responses
from odm.models import Cumulative, Rollup, field_names
from odm.queries import rollups
from odm.queries.lists import Span
from odm.rows import RowPlan, every_row, prepend
from odm.units import UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["rollups"])

ROLLUP_FIELDS = field_names(Rollup)
CUMULATIVE_FIELDS = field_names(Cumulative)
RollupFields = Annotated[str | None, fields_query(ROLLUP_FIELDS)]
CumulativeFields = Annotated[str | None, fields_query(CUMULATIVE_FIELDS)]


@router.get("/production/rollup", response_model=None, responses=list_responses(Rollup))
async def stream_rollup(
    ctx: ListRequest,
    grain: Grain = "month",
    level: LevelParam = "well",
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    boe_factor: BoeFactor = BOE_DEFAULT,
    fields: RollupFields = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly or yearly volumes of daily rows per well, division or company, with rates per
    calendar and producing day, uptime, GOR, water cut and BOE; ordered by period."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    rollup = rollups.RollupFilter(level, division_id, well_id, Span(start, end))
    query = rollups.rollup(ctx.dialect, ctx.scope, grain, rollup)
    plan = RowPlan(ROLLUP_FIELDS).then(
        every_row(figures.round_sums),
        figures.rollup_figures(start, end, boe_factor),
        converter(quantities.ROLLUP, units),
        figures.rounded_figures,
    )
    return await ctx.respond(
        list_spec(query, plan, fields, headers={"X-Units": units.value}, model=Rollup)
    )


@router.get("/production/cumulative", response_model=None, responses=list_responses(Cumulative))
async def stream_cumulative(
    ctx: ListRequest,
    level: LevelParam = "well",
    as_of: Annotated[
        IsoDate | None, Query(description="Day the totals run to (default: today, UTC).")
    ] = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    fields: CumulativeFields = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Life-to-date, year-to-date and month-to-date oil, gas and water per well, division or
    company, up to and including `as_of`."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    day = as_of or dt.datetime.now(dt.UTC).date()
    totals = rollups.RollupFilter(level, division_id, well_id)
    query = rollups.cumulative(ctx.dialect, ctx.scope, day, totals)
    plan = RowPlan(CUMULATIVE_FIELDS).then(
        prepend("as_of", day),
        converter(quantities.CUMULATIVE, units),
        every_row(figures.rounded),
    )
    return await ctx.respond(
        list_spec(query, plan, fields, headers={"X-Units": units.value}, model=Cumulative)
    )

"""Version 1 rollups of monthly (as-reported) production: by month or year, per entity,
division or company, one entity type at a time, with BOE."""

from __future__ import annotations

from typing import Annotated, Literal

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
    EntityKey,
    EntityType,
    Start,
    UnitsParam,
    fields_query,
)
from odm.api.responses import list_responses
from odm.models import MonthlyRollup, field_names
from odm.queries import rollups
from odm.queries.lists import MonthlyFilter, Span
from odm.rows import RowPlan, every_row
from odm.units import UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["rollups"])

FIELDS = field_names(MonthlyRollup)
MonthlyRollupFields = Annotated[str | None, fields_query(FIELDS)]


@router.get(
    "/production/monthly/rollup", response_model=None, responses=list_responses(MonthlyRollup)
)
async def stream_monthly_rollup(
    ctx: ListRequest,
    grain: Annotated[Literal["month", "year"], Query(description="Period length.")] = "year",
    level: Annotated[
        rollups.MonthlyLevel, Query(description="Per reporting entity, per division or company.")
    ] = "division",
    entity_type: EntityType = None,
    entity_key: EntityKey = None,
    division_id: DivisionFilter = None,
    start: Start = None,
    end: End = None,
    boe_factor: BoeFactor = BOE_DEFAULT,
    fields: MonthlyRollupFields = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly or yearly sums of as-reported monthly production, per entity type (never
    mixed: a lease and its completions report the same oil), with BOE = oil + condensate +
    NGL + gas / boe_factor."""
    await require_known(ctx.db, ctx.scope, division_id, None)
    monthly = MonthlyFilter(entity_type, entity_key, division_id, None, Span(start, end))
    query = rollups.monthly_rollup(ctx.dialect, ctx.scope, grain, level, monthly)
    plan = RowPlan(FIELDS).then(
        every_row(figures.round_sums),
        figures.monthly_boe(boe_factor),
        converter(quantities.MONTHLY, units),
        every_row(figures.rounded),
    )
    return await ctx.respond(
        list_spec(query, plan, fields, headers={"X-Units": units.value}, model=MonthlyRollup)
    )

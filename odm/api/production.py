"""Version 1 production: daily rows and monthly (as-reported) rows, listed or streamed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from odm.api import quantities
from odm.api.deps import ListRequest
from odm.api.listing import list_spec
from odm.api.lookups import require_known
from odm.api.params import (
    DivisionFilter,
    End,
    EntityKey,
    EntityType,
    Start,
    UnitsParam,
    WellFilter,
    fields_query,
    sort_query,
)
from odm.api.responses import list_responses
from odm.models import DailyProduction, MonthlyProduction, field_names
from odm.queries import lists
from odm.rows import RowPlan
from odm.units import UnitSystem, column_factors, converter

router = APIRouter(prefix="/v1", tags=["production"])

DAILY_FIELDS = field_names(DailyProduction)
DailyFields = Annotated[str | None, fields_query(DAILY_FIELDS)]
DailySort = Annotated[str | None, sort_query(tuple(lists.DAILY_SORTABLE), "-production_date")]

MONTHLY_FIELDS = field_names(MonthlyProduction)
MonthlyFields = Annotated[str | None, fields_query(MONTHLY_FIELDS)]
MonthlySort = Annotated[str | None, sort_query(tuple(lists.MONTHLY_SORTABLE), "-month")]


@router.get("/production/daily", response_model=None, responses=list_responses(DailyProduction))
async def stream_daily_production(
    ctx: ListRequest,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    fields: DailyFields = None,
    sort: DailySort = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Daily rows of a well, a division or every well, by well and date unless sorted
    otherwise; streamed whole, or paged with `limit`."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    span = lists.Span(start, end)
    query = lists.daily_production(
        ctx.dialect, ctx.scope, lists.DailyFilter(division_id, well_id, span)
    )
    plan = RowPlan(DAILY_FIELDS).then(converter(quantities.DAILY, units))
    return await ctx.respond(
        list_spec(
            query,
            plan,
            fields,
            sort,
            {"X-Units": units.value},
            model=DailyProduction,
            factors=column_factors(quantities.DAILY, units),
        )
    )


@router.get("/production/monthly", response_model=None, responses=list_responses(MonthlyProduction))
async def stream_monthly_production(
    ctx: ListRequest,
    entity_type: EntityType = None,
    entity_key: EntityKey = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    fields: MonthlyFields = None,
    sort: MonthlySort = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly production as regulators publish it, per well, completion, lease or field."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    monthly = lists.MonthlyFilter(
        entity_type, entity_key, division_id, well_id, lists.Span(start, end)
    )
    query = lists.monthly_production(ctx.dialect, ctx.scope, monthly)
    plan = RowPlan(MONTHLY_FIELDS).then(converter(quantities.MONTHLY, units))
    return await ctx.respond(
        list_spec(
            query,
            plan,
            fields,
            sort,
            {"X-Units": units.value},
            model=MonthlyProduction,
            factors=column_factors(quantities.MONTHLY, units),
        )
    )

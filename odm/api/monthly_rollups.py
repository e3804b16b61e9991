"""Version 1 rollups of monthly (as-reported) production: by month or year, per entity,
division or company, one entity type at a time, with BOE."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api.deps import PRINTABLE, FieldsParam, ListRequest, UnitsParam
from odm.api.listing import Listing, SortKey
from odm.api.lookups import require_known
from odm.api.production import (
    MONTHLY_QUANTITIES,
    DivisionFilter,
    End,
    Start,
    check_dates,
    monthly_conditions,
)
from odm.api.responses import list_responses
from odm.api.rollups import BoeFactor, finish
from odm.db.base import Row
from odm.figures import exact_sums
from odm.models import MonthlyRollup, field_names
from odm.queries.compose import Conditions, period_expression
from odm.units import UnitSystem

router = APIRouter(prefix="/v1", tags=["rollups"])

Level = Literal["entity", "division", "company"]
GROUPING = {  # level -> (entity_key, entity_name, division_id, extra GROUP BY column)
    "entity": ("m.entity_key", "MAX(m.entity_name)", "MAX(m.division_id)", "m.entity_key"),
    "division": (
        "CAST(NULL AS VARCHAR(100))",
        "MAX(d.division_name)",
        "m.division_id",
        "m.division_id",
    ),
    "company": (
        "CAST(NULL AS VARCHAR(100))",
        "CAST(NULL AS VARCHAR(100))",
        "CAST(NULL AS INTEGER)",
        None,
    ),
}
SQL_FIELDS = field_names(MonthlyRollup)[:-1]  # all but boe, which is computed


def _listing(level: Level, inner: Conditions, period: str) -> Listing:
    entity_key, entity_name, division, extra = GROUPING[level]
    group = ", ".join(g for g in (period, "m.entity_type", extra) if g)
    fills = {
        "filters": inner.sql(),
        "period": period,
        "entity_key": entity_key,
        "entity_name": entity_name,
        "division": division,
        "group": group,
    }
    sort = [
        SortKey("period", "r.period", kind=str),
        SortKey("entity_type", "r.entity_type", kind=str),
    ]
    if level == "entity":
        sort.append(SortKey("entity_key", "r.entity_key", kind=str))
    elif level == "division":
        sort.append(SortKey("division_id", "r.division_id", kind=int))
    return Listing(
        "monthly_rollup", SQL_FIELDS, Conditions(params=dict(inner.params)), sort, fills=fills
    )


def _with_boe(gas_per_boe: float) -> Callable[[Row], Row]:
    def add(row: Row) -> Row:
        *_, oil, condensate, ngl, gas, _associated, _water, _injected = row
        return (*row, oil + condensate + ngl + gas / gas_per_boe)

    return add


@router.get(
    "/production/monthly/rollup", response_model=None, responses=list_responses(MonthlyRollup)
)
async def stream_monthly_rollup(
    ctx: ListRequest,
    grain: Annotated[Literal["month", "year"], Query(description="Period length.")] = "year",
    level: Annotated[
        Level, Query(description="Per reporting entity, per division or company-wide.")
    ] = "division",
    entity_type: Annotated[
        Literal["well", "completion", "lease", "field"] | None,
        Query(description="Only this kind of reporting entity."),
    ] = None,
    entity_key: Annotated[
        str | None,
        Query(max_length=100, pattern=PRINTABLE, description="Only this entity (source id)."),
    ] = None,
    division_id: DivisionFilter = None,
    start: Start = None,
    end: End = None,
    boe_factor: BoeFactor = figures.DEFAULT_BOE_GAS_MCF,
    fields: FieldsParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly or yearly sums of as-reported monthly production, per entity type (never
    mixed: a lease and its completions report the same oil), with BOE = oil + condensate +
    NGL + gas / boe_factor."""
    check_dates(start, end)
    await require_known(ctx.db, ctx.scope, division_id, None)
    equal = {"entity_type": entity_type, "entity_key": entity_key, "division_id": division_id}
    inner = monthly_conditions(ctx.scope, equal, start, end)
    listing = _listing(level, inner, period_expression(ctx.db.dialect, grain, "m.month"))
    listing.output = field_names(MonthlyRollup)
    listing.transforms += [exact_sums, _with_boe(boe_factor)]
    finish(listing, MONTHLY_QUANTITIES, units, fields)
    return await ctx.respond(listing)

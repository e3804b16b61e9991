"""Version 1 production: daily rows and monthly (as-reported) rows, listed or streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm.api.deps import (
    PRINTABLE,
    FieldsParam,
    ListRequest,
    SortParam,
    UnitsParam,
    optional_id,
)
from odm.api.errors import BadRequest
from odm.api.listing import Listing, Sortable, parse_fields, parse_sort
from odm.api.lookups import require_known
from odm.api.responses import list_responses
from odm.models import DailyProduction, MonthlyProduction, field_names
from odm.queries.compose import Conditions, DivisionScope
from odm.units import Quantity, UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["production"])

DivisionFilter = Annotated[int | None, optional_id("Only this division's wells or entities.")]
WellFilter = Annotated[int | None, optional_id("Only this well.")]
Start = Annotated[dt.date | None, Query(description="First day (or month), YYYY-MM-DD.")]
End = Annotated[dt.date | None, Query(description="Last day (or month), YYYY-MM-DD.")]

DAILY_FIELDS = field_names(DailyProduction)
DAILY_SORTABLE: Sortable = {
    "well_id": ("p.well_id", int),
    "production_date": ("p.production_date", dt.date),
}
DAILY_QUANTITIES = {f: Quantity.LIQUID for f in ("oil", "water", "water_injected", "oil_sold")}
DAILY_QUANTITIES["gas"] = Quantity.GAS

MONTHLY_FIELDS = field_names(MonthlyProduction)
MONTHLY_SORTABLE: Sortable = {
    "entity_type": ("m.entity_type", str),
    "entity_key": ("m.entity_key", str),
    "month": ("m.month", dt.date),
    "division_id": ("m.division_id", int),
}
MONTHLY_QUANTITIES = {
    f: Quantity.LIQUID for f in ("oil", "condensate", "ngl", "water", "water_injected")
} | {"gas": Quantity.GAS, "associated_gas": Quantity.GAS}


def check_dates(start: dt.date | None, end: dt.date | None) -> None:
    """A range whose start is after its end is a client error, not an empty answer."""
    if start and end and start > end:
        raise BadRequest(f"start {start} is after end {end}")


def monthly_conditions(
    scope: DivisionScope,
    equal: Mapping[str, object],
    start: dt.date | None,
    end: dt.date | None,
) -> Conditions:
    """Which monthly rows a request covers: the caller's divisions, each column given equal
    to its value (None: any), and the months from start's month to end."""
    conditions = Conditions()
    conditions.add_scope(scope, "m.division_id")
    for column, value in equal.items():
        if value is not None:
            conditions.add(f"m.{column} = :{column}", **{column: value})
    if start is not None:
        conditions.add("m.month >= :start", start=start.replace(day=1))
    if end is not None:
        conditions.add("m.month <= :end", end=end)
    return conditions


def converted(listing: Listing, quantities: dict[str, Quantity], units: UnitSystem) -> Listing:
    """Add the unit conversion (if any) and say which units the body is in."""
    convert = converter(listing.fields, quantities, units)
    if convert is not None:
        listing.transforms.append(convert)
    listing.headers["X-Units"] = units.value
    return listing


@router.get("/production/daily", response_model=None, responses=list_responses(DailyProduction))
async def stream_daily_production(
    ctx: ListRequest,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    fields: FieldsParam = None,
    sort: SortParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Daily rows of a well, a division or every well, by well and date unless sorted
    otherwise; streamed whole, or paged with `limit`."""
    check_dates(start, end)
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    conditions = Conditions()
    conditions.add_well_scope(ctx.scope, "p.well_id")
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
    keys = parse_sort(
        sort, DAILY_SORTABLE, "well_id,production_date", ["well_id", "production_date"]
    )
    listing = Listing(
        "daily_production", DAILY_FIELDS, conditions, keys, parse_fields(fields, DAILY_FIELDS)
    )
    converted(listing, DAILY_QUANTITIES, units)
    return await ctx.respond(listing)


@router.get("/production/monthly", response_model=None, responses=list_responses(MonthlyProduction))
async def stream_monthly_production(
    ctx: ListRequest,
    entity_type: Annotated[
        Literal["well", "completion", "lease", "field"] | None,
        Query(description="Only this kind of reporting entity."),
    ] = None,
    entity_key: Annotated[
        str | None,
        Query(max_length=100, pattern=PRINTABLE, description="Only this entity (the source's id)."),
    ] = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    fields: FieldsParam = None,
    sort: SortParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly production as regulators publish it, per well, completion, lease or field."""
    check_dates(start, end)
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    equal = {
        "entity_type": entity_type,
        "entity_key": entity_key,
        "division_id": division_id,
        "well_id": well_id,
    }
    conditions = monthly_conditions(ctx.scope, equal, start, end)
    keys = parse_sort(
        sort,
        MONTHLY_SORTABLE,
        "entity_type,entity_key,month",
        ["entity_type", "entity_key", "month"],
    )
    listing = Listing(
        "monthly_production", MONTHLY_FIELDS, conditions, keys, parse_fields(fields, MONTHLY_FIELDS)
    )
    converted(listing, MONTHLY_QUANTITIES, units)
    return await ctx.respond(listing)

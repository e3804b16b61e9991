"""Version 1 rollups of daily rows: monthly and yearly per well, division and company, with
rates, uptime, GOR, water cut and BOE; and cumulative (life, year and month to date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api.deps import FieldsParam, ListRequest, UnitsParam
from odm.api.listing import Listing, SortKey, parse_fields
from odm.api.lookups import require_known
from odm.api.production import DivisionFilter, End, Start, WellFilter, check_dates
from odm.api.responses import list_responses
from odm.db.base import Row
from odm.figures import exact_sums, rounded
from odm.models import Cumulative, Rollup, field_names
from odm.queries.compose import Conditions, DivisionScope, period_expression
from odm.units import Quantity, UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["rollups"])

Level = Literal["well", "division", "company"]
LevelParam = Annotated[Level, Query(description="Roll up per well, per division or company-wide.")]
BoeFactor = Annotated[
    float, Query(gt=0, le=100, description="Mcf of gas per barrel of oil equivalent.")
]
ENTITY = {
    "well": ("w.well_id", "MAX(w.well_name)"),
    "division": ("w.division_id", "MAX(d.division_name)"),
    "company": ("CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR(100))"),
}
ROLLUP_SQL_FIELDS = (
    "period",
    "entity_id",
    "entity_name",
    "well_count",
    "record_days",
    "measured_days",
    "producing_days",
    "hours_on",
    "oil",
    "gas",
    "water",
    "water_injected",
)
ROLLUP_FIELDS = field_names(Rollup)
CUMULATIVE_FIELDS = field_names(Cumulative)
LIQUIDS = ("oil", "water", "water_injected", "oil_rate_cd", "oil_rate_pd", "water_rate_cd")
ROLLUP_QUANTITIES = {f: Quantity.LIQUID for f in LIQUIDS} | {
    "gas": Quantity.GAS,
    "gas_rate_cd": Quantity.GAS,
    "gas_rate_pd": Quantity.GAS,
    "gor": Quantity.GOR,
}
CUMULATIVE_QUANTITIES = {
    f"{span}_{fluid}": Quantity.GAS if fluid == "gas" else Quantity.LIQUID
    for span in ("ltd", "ytd", "mtd")
    for fluid in ("oil", "gas", "water")
}


def filter_conditions(
    scope: DivisionScope, division_id: int | None, well_id: int | None
) -> Conditions:
    """The rows a rollup sums: the caller's divisions, and the division or well asked for."""
    conditions = Conditions()
    conditions.add_scope(scope, "w.division_id")
    if division_id is not None:
        conditions.add("w.division_id = :division_id", division_id=division_id)
    if well_id is not None:
        conditions.add("p.well_id = :well_id", well_id=well_id)
    return conditions


def grouped_listing(
    name: str, fields: tuple[str, ...], level: Level, inner: Conditions, period: str | None
) -> Listing:
    """A listing over a grouped subquery: filters inside, keyset paging outside."""
    entity, entity_name = ENTITY[level]
    group = [g for g in (period, entity if level != "company" else None) if g]
    fills = {
        "filters": inner.sql(),
        "entity": entity,
        "entity_name": entity_name,
        "group": ", ".join(group),
        "group_by": f"GROUP BY {', '.join(group)}" if group else "",
        "period": period or "",
    }
    sort = [SortKey("period", "r.period", kind=str)] if period else []
    if level != "company":
        sort.append(SortKey("entity_id", "r.entity_id", kind=int))
    outer = Conditions(params=dict(inner.params))
    return Listing(name, fields, outer, sort, fills=fills)


def rollup_figures(
    start: dt.date | None, end: dt.date | None, gas_per_boe: float
) -> Callable[[Row], Row]:
    """Add calendar days, rates, uptime, GOR, water cut and BOE to a summed row."""

    def add(row: Row) -> Row:
        period, *_, measured_days, _producing, hours, oil, gas, water, _injected = row
        days = figures.calendar_days(period, start, end)
        boe = figures.boe(oil, gas, gas_per_boe)
        return (
            *row,
            days,
            figures.per_calendar_day(oil, days),
            figures.per_producing_day(oil, hours),
            figures.per_calendar_day(gas, days),
            figures.per_producing_day(gas, hours),
            figures.per_calendar_day(water, days),
            figures.uptime(hours, measured_days),
            figures.gor(gas, oil),
            figures.water_cut(water, oil),
            figures.ratio(water, oil),
            boe,
            figures.per_calendar_day(boe, days),
        )

    return add


def finish(
    listing: Listing, quantities: dict[str, Quantity], units: UnitSystem, fields: str | None
) -> Listing:
    """Convert units, round, select fields, and say which units the body is in."""
    convert = converter(listing.output_fields, quantities, units)
    if convert is not None:
        listing.transforms.append(convert)
    listing.transforms.append(rounded)
    listing.selected = parse_fields(fields, listing.output_fields)
    listing.headers["X-Units"] = units.value
    return listing


@router.get("/production/rollup", response_model=None, responses=list_responses(Rollup))
async def stream_rollup(
    ctx: ListRequest,
    grain: Annotated[Literal["month", "year"], Query(description="Period length.")] = "month",
    level: LevelParam = "well",
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    start: Start = None,
    end: End = None,
    boe_factor: BoeFactor = figures.DEFAULT_BOE_GAS_MCF,
    fields: FieldsParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly or yearly volumes of daily rows per well, division or company, with rates per
    calendar and producing day, uptime, GOR, water cut and BOE; ordered by period."""
    check_dates(start, end)
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    inner = filter_conditions(ctx.scope, division_id, well_id)
    if start is not None:
        inner.add("p.production_date >= :start", start=start)
    if end is not None:
        inner.add("p.production_date <= :end", end=end)
    period = period_expression(ctx.db.dialect, grain, "p.production_date")
    listing = grouped_listing("rollup", ROLLUP_SQL_FIELDS, level, inner, period)
    listing.output = ROLLUP_FIELDS
    listing.transforms += [exact_sums, rollup_figures(start, end, boe_factor)]
    finish(listing, ROLLUP_QUANTITIES, units, fields)
    return await ctx.respond(listing)


@router.get("/production/cumulative", response_model=None, responses=list_responses(Cumulative))
async def stream_cumulative(
    ctx: ListRequest,
    level: LevelParam = "well",
    as_of: Annotated[
        dt.date | None, Query(description="Day the totals run to (default: today, UTC).")
    ] = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    fields: FieldsParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Life-to-date, year-to-date and month-to-date oil, gas and water per well, division or
    company, up to and including `as_of`."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    day = as_of or dt.datetime.now(dt.UTC).date()
    inner = filter_conditions(ctx.scope, division_id, well_id)
    inner.add("p.production_date <= :as_of", as_of=day)
    inner.params |= {"year_start": day.replace(month=1, day=1), "month_start": day.replace(day=1)}
    listing = grouped_listing("cumulative", CUMULATIVE_FIELDS[1:], level, inner, None)
    listing.output = CUMULATIVE_FIELDS
    listing.transforms.append(lambda row: (day, *row))
    finish(listing, CUMULATIVE_QUANTITIES, units, fields)
    return await ctx.respond(listing)

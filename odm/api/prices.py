"""Version 1 prices: the daily oil price and monthly prices by product."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm.api import quantities
from odm.api.deps import ListRequest
from odm.api.listing import list_spec
from odm.api.params import End, Start, UnitsParam, sort_query
from odm.api.responses import list_responses
from odm.db.base import Row
from odm.models import DailyPrice, MonthlyPrice, field_names
from odm.queries import lists
from odm.rows import Bound, Columns, RowPlan, getter
from odm.units import M3_PER_BBL, SM3_PER_MCF, UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["prices"])
DailySort = Annotated[str | None, sort_query(tuple(lists.DAILY_PRICE_SORTABLE), "-price_date")]
MonthlySort = Annotated[str | None, sort_query(tuple(lists.MONTHLY_PRICE_SORTABLE), "-month")]


@router.get("/prices/daily", response_model=None, responses=list_responses(DailyPrice))
async def stream_daily_prices(
    ctx: ListRequest,
    start: Start = None,
    end: End = None,
    sort: DailySort = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """The daily oil price, USD/bbl (USD/m³ with units=metric)."""
    query = lists.daily_prices(ctx.dialect, lists.Span(start, end))
    plan = RowPlan(field_names(DailyPrice)).then(converter(quantities.DAILY_PRICE, units))
    return await ctx.respond(
        list_spec(query, plan, sort=sort, headers={"X-Units": units.value}, model=DailyPrice)
    )


@router.get("/prices/monthly", response_model=None, responses=list_responses(MonthlyPrice))
async def stream_monthly_prices(
    ctx: ListRequest,
    product: Annotated[
        Literal["oil", "gas", "ngl", "condensate"] | None, Query(description="Only this product.")
    ] = None,
    start: Start = None,
    end: End = None,
    sort: MonthlySort = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly prices by product (for example the EIA first purchase price of crude oil),
    USD/bbl for liquids and USD/Mcf for gas (USD/m³ and USD/Sm³ with units=metric)."""
    query = lists.monthly_prices(ctx.dialect, product, lists.Span(start, end))
    plan = RowPlan(field_names(MonthlyPrice))
    if units is UnitSystem.METRIC:
        plan = plan.then(_price_to_metric)
    return await ctx.respond(
        list_spec(query, plan, sort=sort, headers={"X-Units": units.value}, model=MonthlyPrice)
    )


def _price_to_metric(columns: Columns) -> Bound:
    """USD/bbl to USD/m³ for liquids, USD/Mcf to USD/Sm³ for gas."""
    get = getter(columns, "product", "price")
    at = columns.index("price")

    def convert(row: Row) -> Row:
        product, price = get(row)
        per_unit = SM3_PER_MCF if product == "gas" else M3_PER_BBL
        return (*row[:at], price / per_unit, *row[at + 1 :])

    return Bound(columns, convert)

"""Version 1 prices: the daily oil price and monthly prices by product."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm.api.deps import ListRequest, SortParam, UnitsParam
from odm.api.listing import Listing, Sortable, parse_sort
from odm.api.production import End, Start, check_dates, converted
from odm.api.responses import list_responses
from odm.db.base import Row
from odm.models import DailyPrice, MonthlyPrice, field_names
from odm.queries.compose import Conditions
from odm.units import M3_PER_BBL, SM3_PER_MCF, Quantity, UnitSystem

router = APIRouter(prefix="/v1", tags=["prices"])


@router.get("/prices/daily", response_model=None, responses=list_responses(DailyPrice))
async def stream_daily_prices(
    ctx: ListRequest,
    start: Start = None,
    end: End = None,
    sort: SortParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """The daily oil price, USD/bbl (USD/m³ with units=metric)."""
    check_dates(start, end)
    conditions = Conditions()
    if start is not None:
        conditions.add("pr.price_date >= :start", start=start)
    if end is not None:
        conditions.add("pr.price_date <= :end", end=end)
    keys = parse_sort(
        sort, {"price_date": ("pr.price_date", dt.date)}, "price_date", ["price_date"]
    )
    listing = Listing("daily_prices", field_names(DailyPrice), conditions, keys)
    converted(listing, {"price": Quantity.LIQUID_PRICE}, units)
    return await ctx.respond(listing)


@router.get("/prices/monthly", response_model=None, responses=list_responses(MonthlyPrice))
async def stream_monthly_prices(
    ctx: ListRequest,
    product: Annotated[
        Literal["oil", "gas", "ngl", "condensate"] | None, Query(description="Only this product.")
    ] = None,
    start: Start = None,
    end: End = None,
    sort: SortParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Monthly prices by product (for example the EIA first purchase price of crude oil),
    USD/bbl for liquids and USD/Mcf for gas (USD/m³ and USD/Sm³ with units=metric)."""
    check_dates(start, end)
    conditions = Conditions()
    if product is not None:
        conditions.add("mp.product = :product", product=product)
    if start is not None:
        conditions.add("mp.month >= :start", start=start.replace(day=1))
    if end is not None:
        conditions.add("mp.month <= :end", end=end)
    sortable: Sortable = {"product": ("mp.product", str), "month": ("mp.month", dt.date)}
    keys = parse_sort(sort, sortable, "product,month", ["product", "month"])
    listing = Listing("monthly_prices", field_names(MonthlyPrice), conditions, keys)
    if units is UnitSystem.METRIC:
        listing.transforms.append(_price_to_metric)
    listing.headers["X-Units"] = units.value
    return await ctx.respond(listing)


def _price_to_metric(row: Row) -> Row:
    """USD/bbl to USD/m³ for liquids, USD/Mcf to USD/Sm³ for gas."""
    product, month, price, source = row
    per_unit = SM3_PER_MCF if product == "gas" else M3_PER_BBL
    return (product, month, round(price / per_unit, 6), source)

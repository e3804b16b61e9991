"""Version 1 budget vs actual spend: per well, division or company; monthly, year to date
and full year with its outlook."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api.deps import FieldsParam, ListRequest
from odm.api.listing import parse_fields
from odm.api.lookups import require_known
from odm.api.production import DivisionFilter, WellFilter
from odm.api.responses import list_responses
from odm.api.rollups import LevelParam, grouped_listing
from odm.db.base import Row
from odm.figures import exact_sums, rounded
from odm.models import BudgetVsActual, field_names
from odm.queries.compose import Conditions, period_expression

router = APIRouter(prefix="/v1", tags=["budget"])
SQL_FIELDS = ("period", "entity_id", "entity_name", "budget", "budget_to_date", "actual_to_date")
FIELDS = field_names(BudgetVsActual)


def variance_figures(row: Row) -> Row:
    """Year to date (or the month) and full-year outlook variances of a summed row.

    Spend is favourable when it is at or below budget. The outlook is the actual spend to
    date plus the budget of the months still to come.
    """
    *head, budget, budget_to_date, actual_to_date = row
    variance = actual_to_date - budget_to_date
    outlook = actual_to_date + (budget - budget_to_date)
    outlook_variance = outlook - budget
    return (
        *head,
        budget,
        budget_to_date,
        actual_to_date,
        variance,
        _percent(variance, budget_to_date),
        variance <= 0,
        outlook,
        outlook_variance,
        _percent(outlook_variance, budget),
        outlook_variance <= 0,
    )


def _percent(variance: float, budget: float) -> float | None:
    share = figures.ratio(variance, budget)
    return None if share is None else share * 100.0


@router.get("/budget-vs-actual", response_model=None, responses=list_responses(BudgetVsActual))
async def stream_budget_vs_actual(
    ctx: ListRequest,
    grain: Annotated[
        Literal["month", "year"],
        Query(description="month: each month; year: year to date and full-year outlook."),
    ] = "year",
    level: LevelParam = "division",
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Only this year.")] = None,
    through: Annotated[
        dt.date | None,
        Query(description="Last month with actuals (default: this month, UTC)."),
    ] = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    fields: FieldsParam = None,
) -> StreamingResponse:
    """Budget and actual spend (USD) with variance = actual − budget, its percent of budget,
    and whether it is favourable (spend at or below budget)."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    inner = Conditions()
    inner.add_scope(ctx.scope, "w.division_id")
    for column, value in (("w.division_id", division_id), ("b.well_id", well_id)):
        if value is not None:
            inner.add(f"{column} = :{column[2:]}", **{column[2:]: value})
    if year is not None:
        inner.add(
            "b.month >= :year_start AND b.month <= :year_end",
            year_start=dt.date(year, 1, 1),
            year_end=dt.date(year, 12, 1),
        )
    last_month = (through or dt.datetime.now(dt.UTC).date()).replace(day=1)
    inner.params["through"] = last_month
    period = period_expression(ctx.db.dialect, grain, "b.month")
    listing = grouped_listing("budget_vs_actual", SQL_FIELDS, level, inner, period)
    listing.output = FIELDS
    listing.transforms += [exact_sums, variance_figures, rounded]
    listing.selected = parse_fields(fields, FIELDS)
    listing.headers["X-Through"] = last_month.isoformat()
    return await ctx.respond(listing)

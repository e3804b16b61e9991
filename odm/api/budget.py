"""Version 1 budget vs actual spend: per well, division or company; monthly, year to date
and full year with its outlook."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api.deps import ListRequest
from odm.api.listing import list_spec
from odm.api.lookups import require_known
from odm.api.params import DivisionFilter, IsoDate, LevelParam, WellFilter, fields_query
from odm.api.responses import list_responses
from odm.models import BudgetVsActual, field_names
from odm.queries import rollups
from odm.rows import RowPlan, every_row

router = APIRouter(prefix="/v1", tags=["budget"])
FIELDS = field_names(BudgetVsActual)
BudgetFields = Annotated[str | None, fields_query(FIELDS)]


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
        IsoDate | None,
        Query(description="Last month with actuals (default: this month, UTC)."),
    ] = None,
    division_id: DivisionFilter = None,
    well_id: WellFilter = None,
    fields: BudgetFields = None,
) -> StreamingResponse:
    """Budget and actual spend (USD) with variance = actual − budget, its percent of budget,
    and whether it is favourable (spend at or below budget)."""
    await require_known(ctx.db, ctx.scope, division_id, well_id)
    last_month = (through or dt.datetime.now(dt.UTC).date()).replace(day=1)
    spend = rollups.RollupFilter(level, division_id, well_id)
    query = rollups.budget_vs_actual(ctx.dialect, ctx.scope, grain, year, last_month, spend)
    plan = RowPlan(FIELDS).then(
        every_row(figures.round_sums), figures.variance_figures, every_row(figures.rounded)
    )
    headers = {"X-Through": last_month.isoformat()}
    return await ctx.respond(list_spec(query, plan, fields, headers=headers, model=BudgetVsActual))

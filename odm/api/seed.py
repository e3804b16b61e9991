"""The published design's four endpoints, with its exact field names."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from odm.api.deps import DB, AppSettings, DivisionIdParam, Scope, WellIdParam
from odm.api.errors import NotFound
from odm.api.streams import stream_query
from odm.db.base import Database, Row
from odm.models import (
    DivisionListItem,
    DivisionSummary,
    ErrorResponse,
    WellDay,
    WellSummary,
    field_names,
)
from odm.queries import load_sql
from odm.queries.compose import Conditions, DivisionScope, build

router = APIRouter(tags=["seed contract"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorResponse,
        "description": "Unknown well or division, or the well is not in that division.",
    },
}


def _round_totals(row: Row) -> Row:
    """Totals are sums of many floats: round them (volumes 0.001 bbl, money 0.01 USD) so
    that every backend, whatever its summation order, answers the same digits."""
    *head, oil, budget, actual, sales = row
    return (*head, round(oil, 3), round(budget, 2), round(actual, 2), round(sales, 2))


async def require_well_in_division(
    db: Database, scope: DivisionScope, well_id: int, division_id: int
) -> None:
    """Raise NotFound unless the well exists, the division exists and the well is in it."""
    divisions = await db.fetch_all(
        load_sql("division_exists", db.dialect), {"division_id": division_id}
    )
    wells = await db.fetch_all(load_sql("well_division", db.dialect), {"well_id": well_id})
    allowed = scope.divisions is None or division_id in scope.divisions
    if not divisions or not allowed:
        raise NotFound(f"division {division_id} not found")
    if not wells:
        raise NotFound(f"well {well_id} not found")
    if wells[0][1] != division_id:
        raise NotFound(f"well {well_id} is not in division {division_id}")


@router.get(
    "/division-list",
    response_model=None,
    responses={200: {"model": list[DivisionListItem]}},
)
async def list_divisions(db: DB, settings: AppSettings, scope: Scope) -> StreamingResponse:
    """Divisions that have a name, ordered by Division_Id."""
    conditions = Conditions()
    conditions.add_scope(scope, "d.division_id")
    query = build("division_list", db.dialect, field_names(DivisionListItem), conditions)
    return await stream_query(db, query, batch_rows=settings.batch_rows)


@router.get(
    "/division-summary",
    response_model=None,
    responses={200: {"model": list[DivisionSummary]}},
)
async def summarize_divisions(db: DB, settings: AppSettings, scope: Scope) -> StreamingResponse:
    """Per division: well count and life-to-date oil (bbl), budget, actual and oil sales (USD).

    Always current: the totals change in the same transaction as the daily rows.
    """
    conditions = Conditions()
    conditions.add_scope(scope, "d.division_id")
    query = build("division_summary", db.dialect, field_names(DivisionSummary), conditions)
    return await stream_query(db, query, batch_rows=settings.batch_rows, transform=_round_totals)


@router.get(
    "/well-summary",
    response_model=None,
    responses={200: {"model": list[WellSummary]}, **NOT_FOUND},
)
async def summarize_well(
    well_id: WellIdParam,
    division_id: DivisionIdParam,
    db: DB,
    settings: AppSettings,
    scope: Scope,
) -> StreamingResponse:
    """One well's life-to-date oil (bbl), budget, actual spend and oil sales (USD)."""
    await require_well_in_division(db, scope, well_id, division_id)
    conditions = Conditions([], {"well_id": well_id, "division_id": division_id})
    conditions.add_scope(scope, "w.division_id")
    query = build("well_summary", db.dialect, field_names(WellSummary), conditions)
    return await stream_query(db, query, batch_rows=settings.batch_rows, transform=_round_totals)


@router.get(
    "/well-summary-by-day",
    response_model=None,
    responses={200: {"model": list[WellDay]}, **NOT_FOUND},
)
async def list_well_days(
    well_id: WellIdParam,
    division_id: DivisionIdParam,
    db: DB,
    settings: AppSettings,
    scope: Scope,
) -> StreamingResponse:
    """One well's production days, ordered by date, with oil (bbl), price and sales (USD)."""
    await require_well_in_division(db, scope, well_id, division_id)
    conditions = Conditions([], {"well_id": well_id, "division_id": division_id})
    conditions.add_scope(scope, "w.division_id")
    query = build("well_summary_by_day", db.dialect, field_names(WellDay), conditions)
    return await stream_query(db, query, batch_rows=settings.batch_rows)

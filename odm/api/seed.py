"""The published design's four endpoints, with its exact field names."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from odm.api.deps import AppSettings, ReadDB, Scope
from odm.api.lookups import require_known
from odm.api.params import DivisionIdParam, WellIdParam
from odm.api.streams import ClosingStreamingResponse, StreamAborted, stream_query
from odm.config import Settings
from odm.db.base import Database, DatabaseError, DatabaseUnavailable
from odm.figures import round_sums
from odm.models import (
    DivisionListItem,
    DivisionSummary,
    ErrorResponse,
    WellDay,
    WellSummary,
    field_names,
)
from odm.queries.compose import DivisionScope
from odm.queries.lists import seed_query
from odm.rows import RowPlan, every_row, map_values

router = APIRouter(tags=["seed contract"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorResponse,
        "description": "Unknown well or division, or the well is not in that division.",
    },
}


# Totals are sums of many floats: rounded (volumes 0.001 bbl, money 0.01 USD) so that
# every backend, whatever its summation order, answers the same digits.
_ROUNDED_TOTALS = (
    every_row(round_sums),
    map_values(lambda v: round(v, 3), ["total_oil_produced"]),
    map_values(lambda v: round(v, 2), ["total_budget", "total_actual", "total_oil_sales"]),
)


def _plan(model: type[BaseModel], rounded_totals: bool = False) -> RowPlan:
    plan = RowPlan(field_names(model))
    return plan.then(*_ROUNDED_TOTALS) if rounded_totals else plan


@runtime_checkable
class PackageJson(Protocol):
    """A backend that can stream a Get_ODM_Data_Pkg procedure's OUT CLOB (Oracle)."""

    def stream_procedure_json(
        self, procedure: str, params: Sequence[int]
    ) -> AsyncGenerator[bytes]: ...


def package_backend(db: Database, settings: Settings, scope: DivisionScope) -> PackageJson | None:
    """The backend to call in package mode (ODM_ORACLE_MODE=package), else None.

    The procedures take no division scope, so a narrowed scope keeps the SQL path.
    """
    if settings.oracle_mode != "package" or scope.divisions is not None:
        return None
    return db if isinstance(db, PackageJson) else None


async def stream_package(db: PackageJson, procedure: str, *params: int) -> StreamingResponse:
    """The procedure's JSON, streamed piece by piece; the first piece is read before the
    response starts, so a database that is down still gets its 503."""
    pieces = db.stream_procedure_json(procedure, params)
    try:
        first = await anext(pieces)
    except BaseException:
        await pieces.aclose()
        raise
    return ClosingStreamingResponse(
        _rest_of(first, pieces), sources=[pieces], media_type="application/json"
    )


async def _rest_of(first: bytes, rest: AsyncGenerator[bytes]) -> AsyncIterator[bytes]:
    try:
        yield first
        async for piece in rest:
            yield piece
    except (DatabaseError, DatabaseUnavailable) as exc:
        raise StreamAborted("package: database failed mid-stream") from exc
    finally:
        await rest.aclose()


@router.get(
    "/division-list",
    response_model=None,
    responses={200: {"model": list[DivisionListItem]}},
)
async def list_divisions(db: ReadDB, settings: AppSettings, scope: Scope) -> StreamingResponse:
    """Divisions that have a name, ordered by Division_Id."""
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Division_List")
    query = seed_query("division_list", db.dialect, scope)
    return await stream_query(db, query, _plan(DivisionListItem), small=True)  # a row each


@router.get(
    "/division-summary",
    response_model=None,
    responses={200: {"model": list[DivisionSummary]}},
)
async def summarize_divisions(db: ReadDB, settings: AppSettings, scope: Scope) -> StreamingResponse:
    """Per division: well count and life-to-date oil (bbl), budget, actual and oil sales (USD).

    Always current: the totals change in the same transaction as the daily rows.
    """
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Division_Summary_Data")
    query = seed_query("division_summary", db.dialect, scope)
    plan = _plan(DivisionSummary, rounded_totals=True)
    return await stream_query(db, query, plan, small=True)  # a row per division


@router.get(
    "/well-summary",
    response_model=None,
    responses={200: {"model": list[WellSummary]}, **NOT_FOUND},
)
async def summarize_well(
    well_id: WellIdParam,
    division_id: DivisionIdParam,
    db: ReadDB,
    settings: AppSettings,
    scope: Scope,
) -> StreamingResponse:
    """One well's life-to-date oil (bbl), budget, actual spend and oil sales (USD)."""
    if package := package_backend(db, settings, scope):
        await require_known(db, scope, division_id, well_id)
        return await stream_package(package, "Get_Well_Summary_Data", well_id, division_id)
    query = seed_query("well_summary", db.dialect, scope, well_id, division_id)
    plan = _plan(WellSummary, rounded_totals=True)

    async def not_found() -> None:  # the well's row is missing: say which id is unknown
        await require_known(db, scope, division_id, well_id)

    return await stream_query(db, query, plan, small=True, if_empty=not_found)  # one row


@router.get(
    "/well-summary-by-day",
    response_model=None,
    responses={200: {"model": list[WellDay]}, **NOT_FOUND},
)
async def list_well_days(
    well_id: WellIdParam,
    division_id: DivisionIdParam,
    db: ReadDB,
    settings: AppSettings,
    scope: Scope,
) -> StreamingResponse:
    """One well's production days, ordered by date, with oil (bbl), price and sales (USD)."""
    await require_known(db, scope, division_id, well_id)
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Well_Summary_By_Day", well_id, division_id)
    query = seed_query("well_summary_by_day", db.dialect, scope, well_id, division_id)
    return await stream_query(db, query, _plan(WellDay), batch_rows=settings.batch_rows)

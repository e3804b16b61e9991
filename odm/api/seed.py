"""The published design's four endpoints, with its exact field names."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from odm.api.deps import DB, AppSettings, DivisionIdParam, Scope, WellIdParam
from odm.api.lookups import require_known
from odm.api.streams import ClosingStreamingResponse, StreamAborted, stream_query
from odm.config import Settings
from odm.db.base import Database, DatabaseError, DatabaseUnavailable, Row
from odm.figures import exact_sums
from odm.models import (
    DivisionListItem,
    DivisionSummary,
    ErrorResponse,
    WellDay,
    WellSummary,
    field_names,
)
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
    *head, oil, budget, actual, sales = exact_sums(row)
    return (*head, round(oil, 3), round(budget, 2), round(actual, 2), round(sales, 2))


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
async def list_divisions(db: DB, settings: AppSettings, scope: Scope) -> StreamingResponse:
    """Divisions that have a name, ordered by Division_Id."""
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Division_List")
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
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Division_Summary_Data")
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
    await require_known(db, scope, division_id, well_id)
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Well_Summary_Data", well_id, division_id)
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
    await require_known(db, scope, division_id, well_id)
    if package := package_backend(db, settings, scope):
        return await stream_package(package, "Get_Well_Summary_By_Day", well_id, division_id)
    conditions = Conditions([], {"well_id": well_id, "division_id": division_id})
    conditions.add_scope(scope, "w.division_id")
    query = build("well_summary_by_day", db.dialect, field_names(WellDay), conditions)
    return await stream_query(db, query, batch_rows=settings.batch_rows)

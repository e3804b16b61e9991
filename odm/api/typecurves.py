"""Type curves: a division's (or listed wells') producers aligned on first production,
normalized, with P10/P50/P90 profiles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from odm.api.decline_params import (
    BasisParam,
    Normalize,
    PhaseParam,
    Rows,
    list_of,
    plan,
    stream_rows,
)
from odm.api.deps import AppSettings, Fmt, ReadDB, Scope
from odm.api.errors import NotFound
from odm.api.lookups import require_known
from odm.api.params import MAX_ID, DivisionFilter, UnitsParam
from odm.decline.runs import Histories, open_well_histories
from odm.decline.series import Basis, History
from odm.decline.typecurves import TypeCurve, aligned_months
from odm.models import TypeCurveMonth, field_names
from odm.queries.decline import WellSet
from odm.units import UnitSystem

router = APIRouter(prefix="/v1", tags=["decline"])
FIELDS = field_names(TypeCurveMonth)
MAX_WELLS = 100
WellList = Annotated[
    list[Annotated[int, Query(ge=1, le=MAX_ID)]] | None,
    Query(
        max_length=MAX_WELLS,
        description=f"Only these wells (repeat the parameter, up to {MAX_WELLS}); without it, "
        "every producer of the division (or of every division).",
    ),
]


def _months(chunk: list[History], basis: Basis) -> list[list[float]]:
    return [aligned_months(history, basis) for history in chunk]


async def _profile(histories: Histories, basis: Basis, curve: TypeCurve) -> AsyncIterator[Rows]:
    chunk: list[History] = []
    try:
        async for _, history in histories:
            chunk.append(history)
            if len(chunk) >= 64:
                for monthly in await anyio.to_thread.run_sync(_months, chunk, basis):
                    curve.add(monthly)
                chunk = []
        for monthly in await anyio.to_thread.run_sync(_months, chunk, basis):
            curve.add(monthly)
    finally:
        await histories.aclose()
    yield [dict(zip(FIELDS, row, strict=True)) for row in curve.profile()]


@router.get("/type-curves", response_model=None, responses=list_of(TypeCurveMonth))
async def stream_type_curve(
    db: ReadDB,
    scope: Scope,
    settings: AppSettings,
    fmt: Fmt,
    division_id: DivisionFilter = None,
    well_id: WellList = None,
    phase: PhaseParam = "oil",
    basis: BasisParam = "producing",
    normalize: Normalize = "peak",
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """A type curve: per month since first production, the wells' P10, P50 and P90 rates
    (normalized by each well's peak month unless normalize=none)."""
    await require_known(db, scope, division_id, None)
    listed = tuple(dict.fromkeys(well_id)) if well_id else None
    wells = WellSet(division_id, listed, producers_only=listed is None)
    identities, histories = await open_well_histories(db, scope, wells, phase, settings.batch_rows)
    if listed is not None and len(identities) < len(listed):
        await histories.aclose()
        found = {identity["well_id"] for identity in identities}
        missing = [w for w in listed if w not in found]
        raise NotFound(
            f"wells {missing} not found" + (f" in division {division_id}" if division_id else "")
        )
    converted = ("p10", "p50", "p90", "mean") if normalize == "none" else ()
    rows_plan = plan(FIELDS, converted, phase, units)
    profile = _profile(histories, basis, TypeCurve(normalize))
    return await stream_rows(profile, rows_plan, fmt, {"X-Units": units.value})

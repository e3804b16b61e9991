"""Decline-curve analysis: fits, forecasts, EUR and reserves of wells (from their daily
production) and of monthly reporting entities (from their as-reported months)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response, StreamingResponse

from odm.api.decline_params import (
    DECLINE_QUANTITIES,
    FORECAST_QUANTITIES,
    Rows,
    list_of,
    options,
    plan,
    stream_rows,
    too_short_responses,
)
from odm.api.deps import AppSettings, Fmt, ReadDB, Scope
from odm.api.errors import InvalidParameters, NotFound
from odm.api.lookups import require_known
from odm.api.params import MAX_ID, PRINTABLE, DivisionFilter, EntityType
from odm.db.base import Database
from odm.decline.analysis import Analysis, Options, analyse, values
from odm.decline.forecast import monthly
from odm.decline.runs import (
    Histories,
    Identity,
    analysed,
    open_entity_histories,
    open_well_histories,
)
from odm.decline.series import History
from odm.models import (
    DivisionReserves,
    EntityDecline,
    ForecastMonth,
    WellDecline,
    field_names,
)
from odm.queries.compose import DivisionScope
from odm.queries.decline import EntitySet, WellSet
from odm.units import UnitSystem

router = APIRouter(prefix="/v1", tags=["decline"])
WELL_FIELDS = field_names(WellDecline)
ENTITY_FIELDS = field_names(EntityDecline)
FORECAST_FIELDS = field_names(ForecastMonth)
RESERVES_FIELDS = field_names(DivisionReserves)
Choices = Annotated[tuple[Options, UnitSystem], Depends(options)]
WellPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Well id (64-bit).")]
EntityTypePath = Annotated[
    str,
    Path(
        pattern="^(well|completion|lease|field)$", description="well, completion, lease or field."
    ),
]
EntityKeyPath = Annotated[
    str,
    Path(min_length=1, max_length=100, pattern=PRINTABLE, description="The source's id, as text."),
]


def _headers(units: UnitSystem) -> dict[str, str]:
    return {"X-Units": units.value}


async def _one_history(histories: Histories, missing: str) -> tuple[Identity, History]:
    """The only history of a run (NotFound when there is none)."""
    try:
        found = await anext(histories, None)
    finally:
        await histories.aclose()
    if found is None:
        raise NotFound(missing)
    return found


async def _fitted(histories: Histories, chosen: Options, missing: str) -> tuple[Identity, Analysis]:
    """The identity and analysis of the only history of a run; 422 when it is too short."""
    identity, history = await _one_history(histories, missing)
    analysis = await anyio.to_thread.run_sync(analyse, history, chosen)
    if analysis.fit is None:
        raise InvalidParameters(f"too little history to fit: {analysis.shortfall()}")
    return identity, analysis


async def _well(
    db: Database, scope: DivisionScope, well_id: int, chosen: Options
) -> tuple[Identity, Analysis]:
    await require_known(db, scope, None, well_id)
    wells = WellSet(well_ids=(well_id,), producers_only=False)
    _, histories = await open_well_histories(db, scope, wells, chosen.phase, 5000)
    return await _fitted(histories, chosen, f"well {well_id} not found")


async def _entity(
    db: Database, scope: DivisionScope, kind: str, key: str, chosen: Options
) -> tuple[Identity, Analysis]:
    entities = EntitySet(kind, key)
    histories = await open_entity_histories(db, scope, entities, chosen.phase, 5000)
    return await _fitted(histories, chosen, f"no monthly production for {kind} {key}")


def _named(names: tuple[str, ...], identity: Identity, row: dict[str, Any]) -> dict[str, Any]:
    """A response row: the identity's columns the model has, then the analysis' values."""
    return {name: identity[name] for name in names if name in identity} | row


def _converted(
    fields: tuple[str, ...], row: Mapping[str, Any], chosen: Options, units: UnitSystem
) -> Response:
    bound = plan(fields, DECLINE_QUANTITIES, chosen.phase, units).bind(fields)
    values_ = tuple(row[name] for name in fields)
    converted = bound.apply(values_) if bound.apply is not None else values_
    body = orjson.dumps(dict(zip(fields, converted, strict=True)))
    return Response(body, media_type="application/json", headers=_headers(units))


async def _forecast_rows(analysis: Analysis) -> AsyncIterator[Rows]:
    assert analysis.fit is not None and analysis.view is not None
    rows = [vars(month) for month in monthly(analysis.fit.curve, analysis.view)]
    yield rows


@router.get(
    "/wells/{well_id}/decline",
    response_model=None,
    responses=too_short_responses(WellDecline, False),
)
async def get_well_decline(
    well_id: WellPath, db: ReadDB, scope: Scope, choices: Choices
) -> Response:
    """One well's decline fitted to its daily production: parameters, fit quality, EUR."""
    chosen, units = choices
    identity, analysis = await _well(db, scope, well_id, chosen)
    return _converted(WELL_FIELDS, _named(WELL_FIELDS, identity, values(analysis)), chosen, units)


@router.get(
    "/wells/{well_id}/forecast",
    response_model=None,
    responses=too_short_responses(ForecastMonth, True),
)
async def stream_well_forecast(
    well_id: WellPath, db: ReadDB, scope: Scope, fmt: Fmt, choices: Choices
) -> StreamingResponse:
    """One well's monthly forecast from the day after its history to the economic limit or
    the horizon."""
    chosen, units = choices
    _, analysis = await _well(db, scope, well_id, chosen)
    rows_plan = plan(FORECAST_FIELDS, FORECAST_QUANTITIES, chosen.phase, units)
    return await stream_rows(_forecast_rows(analysis), rows_plan, fmt, _headers(units))


async def _decline_rows(
    histories: Histories, chosen: Options, names: tuple[str, ...], count: int = 0
) -> AsyncIterator[Rows]:
    async for chunk in analysed(histories, chosen, count):
        yield [_named(names, identity, row) for identity, row in chunk]


@router.get("/decline", response_model=None, responses=list_of(WellDecline))
async def stream_well_declines(
    db: ReadDB,
    scope: Scope,
    settings: AppSettings,
    fmt: Fmt,
    choices: Choices,
    division_id: DivisionFilter = None,
) -> StreamingResponse:
    """Every producer's decline fit and EUR (of a division, or all), by well id; a well too
    short to fit is a row with status insufficient_history."""
    chosen, units = choices
    await require_known(db, scope, division_id, None)
    wells = WellSet(division_id=division_id)
    found, histories = await open_well_histories(
        db, scope, wells, chosen.phase, settings.batch_rows
    )
    rows_plan = plan(WELL_FIELDS, DECLINE_QUANTITIES, chosen.phase, units)
    return await stream_rows(
        _decline_rows(histories, chosen, WELL_FIELDS, len(found)), rows_plan, fmt, _headers(units)
    )


@router.get("/monthly/decline", response_model=None, responses=list_of(EntityDecline))
async def stream_entity_declines(
    db: ReadDB,
    scope: Scope,
    settings: AppSettings,
    fmt: Fmt,
    choices: Choices,
    entity_type: EntityType = None,
    division_id: DivisionFilter = None,
) -> StreamingResponse:
    """Every monthly entity's decline fit and EUR (every NPD field, say), by type and key."""
    chosen, units = choices
    await require_known(db, scope, division_id, None)
    entities = EntitySet(entity_type, None, division_id)
    histories = await open_entity_histories(db, scope, entities, chosen.phase, settings.batch_rows)
    rows_plan = plan(ENTITY_FIELDS, DECLINE_QUANTITIES, chosen.phase, units)
    return await stream_rows(
        _decline_rows(histories, chosen, ENTITY_FIELDS), rows_plan, fmt, _headers(units)
    )


@router.get(
    "/monthly/{entity_type}/{entity_key}/decline",
    response_model=None,
    responses=too_short_responses(EntityDecline, False),
)
async def get_entity_decline(
    entity_type: EntityTypePath,
    entity_key: EntityKeyPath,
    db: ReadDB,
    scope: Scope,
    choices: Choices,
) -> Response:
    """One monthly entity's decline fitted to its as-reported months: parameters, fit
    quality, EUR."""
    chosen, units = choices
    identity, analysis = await _entity(db, scope, entity_type, entity_key, chosen)
    return _converted(
        ENTITY_FIELDS, _named(ENTITY_FIELDS, identity, values(analysis)), chosen, units
    )


@router.get(
    "/monthly/{entity_type}/{entity_key}/forecast",
    response_model=None,
    responses=too_short_responses(ForecastMonth, True),
)
async def stream_entity_forecast(
    entity_type: EntityTypePath,
    entity_key: EntityKeyPath,
    db: ReadDB,
    scope: Scope,
    fmt: Fmt,
    choices: Choices,
) -> StreamingResponse:
    """One monthly entity's monthly forecast to the economic limit or the horizon."""
    chosen, units = choices
    _, analysis = await _entity(db, scope, entity_type, entity_key, chosen)
    rows_plan = plan(FORECAST_FIELDS, FORECAST_QUANTITIES, chosen.phase, units)
    return await stream_rows(_forecast_rows(analysis), rows_plan, fmt, _headers(units))


async def _reserves_rows(histories: Histories, chosen: Options, count: int) -> AsyncIterator[Rows]:
    sums: dict[int, dict[str, Any]] = {}
    async for chunk in analysed(histories, chosen, count):
        for identity, row in chunk:
            division_id = identity["division_id"]
            total = sums.setdefault(
                division_id, _empty_reserves(division_id, identity["division_name"])
            )
            total["wells"] += 1
            total["produced"] += row["produced"]
            if row["remaining"] is not None:
                total["wells_fitted"] += 1
                total["remaining"] += row["remaining"]
    rows = [sums[key] for key in sorted(sums)]
    for row in rows:
        row["eur"] = row["produced"] + row["remaining"]
    yield rows


def _empty_reserves(division_id: int, name: str | None) -> dict[str, Any]:
    return dict(zip(RESERVES_FIELDS, (division_id, name, 0, 0, 0.0, 0.0, 0.0), strict=True))


@router.get("/reserves", response_model=None, responses=list_of(DivisionReserves))
async def stream_reserves(
    db: ReadDB,
    scope: Scope,
    settings: AppSettings,
    fmt: Fmt,
    choices: Choices,
    division_id: DivisionFilter = None,
) -> StreamingResponse:
    """Produced to date, remaining reserves and EUR of each division's producers, summed
    from each well's decline fit; by division id."""
    chosen, units = choices
    await require_known(db, scope, division_id, None)
    wells = WellSet(division_id=division_id)
    found, histories = await open_well_histories(
        db, scope, wells, chosen.phase, settings.batch_rows
    )
    rows_plan = plan(RESERVES_FIELDS, ("produced", "remaining", "eur"), chosen.phase, units)
    rows = _reserves_rows(histories, chosen, len(found))
    return await stream_rows(rows, rows_plan, fmt, _headers(units))

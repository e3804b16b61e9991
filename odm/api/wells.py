"""Version 1 wells: filter by division, status and type; search by name."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from odm import figures
from odm.api import quantities
from odm.api.deps import ListRequest, ReadDB, Scope
from odm.api.errors import NotFound
from odm.api.listing import fetch_object, list_spec
from odm.api.params import (
    MAX_ID,
    PRINTABLE,
    UnitsParam,
    fields_query,
    optional_id,
    sort_query,
)
from odm.api.responses import list_responses, one_responses
from odm.models import Well, field_names
from odm.queries import lists
from odm.rows import RowPlan, every_row
from odm.units import UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["wells"])
FIELDS = field_names(Well)
Status = Literal["drilling", "producing", "shut_in", "suspended", "abandoned"]
WellFields = Annotated[str | None, fields_query(FIELDS)]
WellSort = Annotated[str | None, sort_query(tuple(lists.WELL_SORTABLE), "well_name")]


def _plan(units: UnitSystem) -> RowPlan:
    # Totals are sums kept by triggers: rounded, every backend answers the same digits.
    return RowPlan(FIELDS).then(converter(quantities.WELL, units), every_row(figures.rounded))


@router.get("/wells", response_model=None, responses=list_responses(Well))
async def list_wells(
    ctx: ListRequest,
    division_id: Annotated[int | None, optional_id("Only this division's wells.")] = None,
    status: Annotated[Status | None, Query(description="Only wells with this status.")] = None,
    well_type: Annotated[
        Literal["producer", "injector"] | None, Query(alias="type", description="Well type.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=PRINTABLE,
            description="Case-insensitive name search.",
        ),
    ] = None,
    fields: WellFields = None,
    sort: WellSort = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Wells with their division and life-to-date volumes."""
    wanted = lists.WellFilter(None, division_id, status, well_type, q)
    query = lists.wells(ctx.dialect, ctx.scope, wanted)
    headers = {"X-Units": units.value}
    return await ctx.respond(list_spec(query, _plan(units), fields, sort, headers))


@router.get("/wells/{well_id}", response_model=None, responses=one_responses(Well))
async def get_well(
    well_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Well id (64-bit).")],
    db: ReadDB,
    scope: Scope,
    fields: WellFields = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> dict[str, Any]:
    """One well with its division and life-to-date volumes."""
    query = lists.wells(db.dialect, scope, lists.WellFilter(well_id=well_id))
    well = await fetch_object(db, list_spec(query, _plan(units), fields))
    if well is None:
        raise NotFound(f"well {well_id} not found")
    return well

"""Version 1 wells: filter by division, status and type; search by name."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from odm.api.deps import (
    DB,
    MAX_ID,
    PRINTABLE,
    FieldsParam,
    ListRequest,
    Scope,
    SortParam,
    UnitsParam,
    optional_id,
)
from odm.api.errors import NotFound
from odm.api.listing import Listing, Sortable, fetch_object, parse_fields, parse_sort
from odm.api.responses import list_responses, one_responses
from odm.figures import rounded
from odm.models import Well, field_names
from odm.queries.compose import Conditions, DivisionScope
from odm.units import Quantity, UnitSystem, converter

router = APIRouter(prefix="/v1", tags=["wells"])
FIELDS = field_names(Well)
SORTABLE: Sortable = {
    "well_id": ("w.well_id", int),
    "well_name": ("w.well_name", str),
    "division_id": ("w.division_id", int),
}
QUANTITIES = {
    "cumulative_oil": Quantity.LIQUID,
    "cumulative_gas": Quantity.GAS,
    "cumulative_water": Quantity.LIQUID,
    "cumulative_water_injected": Quantity.LIQUID,
}
Status = Literal["drilling", "producing", "shut_in", "suspended", "abandoned"]


def _listing(
    scope: DivisionScope, fields: str | None, sort: str | None, units: UnitSystem
) -> Listing:
    conditions = Conditions()
    conditions.add_scope(scope, "w.division_id")
    keys = parse_sort(sort, SORTABLE, "well_id", ["well_id"])
    listing = Listing("wells", FIELDS, conditions, keys, parse_fields(fields, FIELDS))
    convert = converter(FIELDS, QUANTITIES, units)
    if convert is not None:
        listing.transforms.append(convert)
    # Totals are sums kept by triggers: rounded, every backend answers the same digits.
    listing.transforms.append(rounded)
    listing.headers["X-Units"] = units.value
    return listing


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
    fields: FieldsParam = None,
    sort: SortParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> StreamingResponse:
    """Wells with their division and life-to-date volumes."""
    listing = _listing(ctx.scope, fields, sort, units)
    if division_id is not None:
        listing.conditions.add("w.division_id = :division_id", division_id=division_id)
    if status is not None:
        listing.conditions.add("w.status = :status", status=status)
    if well_type is not None:
        listing.conditions.add("w.well_type = :well_type", well_type=well_type)
    if q is not None:
        listing.conditions.add(
            "LOWER(w.well_name) LIKE :name_pattern ESCAPE '\\'",
            name_pattern=f"%{_escape_like(q.lower())}%",
        )
    return await ctx.respond(listing)


def _escape_like(text: str) -> str:
    """Search text matches literally: `%` and `_` are not wildcards here."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/wells/{well_id}", responses=one_responses(Well))
async def get_well(
    well_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Well id (64-bit).")],
    db: DB,
    scope: Scope,
    fields: FieldsParam = None,
    units: UnitsParam = UnitSystem.FIELD,
) -> dict[str, Any]:
    """One well with its division and life-to-date volumes."""
    listing = _listing(scope, fields, None, units)
    listing.conditions.add("w.well_id = :well_id", well_id=well_id)
    well = await fetch_object(db, listing)
    if well is None:
        raise NotFound(f"well {well_id} not found")
    return well

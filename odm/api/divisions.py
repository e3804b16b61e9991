"""Version 1 divisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from odm.api.deps import DB, MAX_ID, FieldsParam, ListRequest, Scope, SortParam
from odm.api.errors import NotFound
from odm.api.listing import Listing, Sortable, fetch_object, parse_fields, parse_sort
from odm.api.responses import list_responses, one_responses
from odm.models import Division, field_names
from odm.queries.compose import Conditions, DivisionScope

router = APIRouter(prefix="/v1", tags=["divisions"])
FIELDS = field_names(Division)
# Only never-NULL columns sort: a NULL key would break keyset paging.
SORTABLE: Sortable = {"division_id": ("d.division_id", int)}


def _listing(scope: DivisionScope, fields: str | None, sort: str | None) -> Listing:
    conditions = Conditions()
    conditions.add_scope(scope, "d.division_id")
    keys = parse_sort(sort, SORTABLE, "division_id", ["division_id"])
    return Listing("divisions", FIELDS, conditions, keys, parse_fields(fields, FIELDS))


@router.get("/divisions", response_model=None, responses=list_responses(Division))
async def list_divisions(
    ctx: ListRequest,
    fields: FieldsParam = None,
    sort: SortParam = None,
) -> StreamingResponse:
    """All divisions, named or not, with well counts by status and type."""
    listing = _listing(ctx.scope, fields, sort)
    return await ctx.respond(listing)


@router.get("/divisions/{division_id}", responses=one_responses(Division))
async def get_division(
    division_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Division id.")],
    db: DB,
    scope: Scope,
    fields: FieldsParam = None,
) -> dict[str, Any]:
    """One division with its well counts."""
    listing = _listing(scope, fields, None)
    listing.conditions.add("d.division_id = :division_id", division_id=division_id)
    division = await fetch_object(db, listing)
    if division is None:
        raise NotFound(f"division {division_id} not found")
    return division

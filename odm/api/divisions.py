"""Version 1 divisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from odm.api.deps import ListRequest, ReadDB, Scope
from odm.api.errors import NotFound
from odm.api.listing import fetch_object, list_spec
from odm.api.params import MAX_ID, fields_query, sort_query
from odm.api.responses import list_responses, one_responses
from odm.models import Division, field_names
from odm.queries import lists
from odm.rows import RowPlan

router = APIRouter(prefix="/v1", tags=["divisions"])
FIELDS = field_names(Division)
DivisionFields = Annotated[str | None, fields_query(FIELDS)]
DivisionSort = Annotated[str | None, sort_query(tuple(lists.DIVISION_SORTABLE), "-division_id")]


@router.get("/divisions", response_model=None, responses=list_responses(Division))
async def list_divisions(
    ctx: ListRequest, fields: DivisionFields = None, sort: DivisionSort = None
) -> StreamingResponse:
    """All divisions, named or not, with well counts by status and type."""
    query = lists.divisions(ctx.dialect, ctx.scope)
    return await ctx.respond(list_spec(query, RowPlan(FIELDS), fields, sort))


@router.get("/divisions/{division_id}", response_model=None, responses=one_responses(Division))
async def get_division(
    division_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Division id.")],
    db: ReadDB,
    scope: Scope,
    fields: DivisionFields = None,
) -> dict[str, Any]:
    """One division with its well counts."""
    query = lists.divisions(db.dialect, scope, division_id)
    division = await fetch_object(db, list_spec(query, RowPlan(FIELDS), fields))
    if division is None:
        raise NotFound(f"division {division_id} not found")
    return division

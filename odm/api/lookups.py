"""Checks that the wells and divisions a request names exist, for answers that say what is
wrong (404) instead of an empty list."""

from __future__ import annotations

from odm.api.errors import NotFound
from odm.db.base import Database
from odm.queries import load_sql
from odm.queries.compose import DivisionScope


async def require_known(
    db: Database, scope: DivisionScope, division_id: int | None, well_id: int | None
) -> None:
    """Raise NotFound unless the division and the well named exist, are visible to the
    caller, and (when both are named) the well is in that division."""
    if division_id is None and well_id is None:
        return
    params = {"division_id": division_id, "well_id": well_id}
    ((division_found, well_division),) = await db.fetch_all(
        load_sql("named_ids", db.dialect), params
    )
    if division_id is not None and not (division_found and scope.allows(division_id)):
        raise NotFound(f"division {division_id} not found")
    if well_id is None:
        return
    if well_division is None or not scope.allows(well_division):
        raise NotFound(f"well {well_id} not found")
    if division_id is not None and well_division != division_id:
        raise NotFound(f"well {well_id} is not in division {division_id}")

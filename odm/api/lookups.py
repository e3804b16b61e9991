"""Checks that the wells and divisions a request names exist, for answers that say what is
wrong (404) instead of an empty list."""

from __future__ import annotations

from odm.api.errors import NotFound
from odm.db.base import Database
from odm.queries.compose import DivisionScope
from odm.queries.lists import named_ids


async def require_known(
    db: Database, scope: DivisionScope, division_id: int | None, well_id: int | None
) -> None:
    """Raise NotFound unless the division and the well named exist, are visible to the
    caller, and (when both are named) the well is in that division."""
    if division_id is None and well_id is None:
        return
    query = named_ids(db.dialect, division_id, well_id)
    result = await db.fetch(query.sql, query.params)
    found = dict(zip((c.lower() for c in result.columns), result.rows[0], strict=True))
    if division_id is not None and not (found["division_found"] and scope.allows(division_id)):
        raise NotFound(f"division {division_id} not found")
    if well_id is None:
        return
    well_division = found["well_division"]
    if well_division is None or not scope.allows(well_division):
        raise NotFound(f"well {well_id} not found")
    if division_id is not None and well_division != division_id:
        raise NotFound(f"well {well_id} is not in division {division_id}")

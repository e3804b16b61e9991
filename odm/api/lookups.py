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
    visible = scope.divisions is None
    if division_id is not None:
        found = await db.fetch_all(
            load_sql("division_exists", db.dialect), {"division_id": division_id}
        )
        if not found or not (visible or division_id in (scope.divisions or ())):
            raise NotFound(f"division {division_id} not found")
    if well_id is None:
        return
    wells = await db.fetch_all(load_sql("well_division", db.dialect), {"well_id": well_id})
    if not wells or not (visible or wells[0][1] in (scope.divisions or ())):
        raise NotFound(f"well {well_id} not found")
    if division_id is not None and wells[0][1] != division_id:
        raise NotFound(f"well {well_id} is not in division {division_id}")

"""Health: whether this process can answer, for load balancers and operators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from odm import __version__
from odm.api.deps import DB
from odm.db.base import migration_scripts
from odm.models import ErrorResponse, Health

router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "Database down or schema behind."}},
)
async def check_health(db: DB) -> Any:
    """200 when the database answers and its schema is the version this code expects."""
    current = await db.schema_version()
    expected = max(version for version, _ in migration_scripts(db.dialect))
    if current < expected:
        detail = f"schema version {current}, expected {expected}: run `odm init-db`"
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "30"})
    return Health(status="ok", version=__version__, database=db.dialect, schema_version=current)

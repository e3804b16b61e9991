"""Health: whether this process can answer, for load balancers, orchestrators and operators.

`/health/live` says only that the process runs (restart it if not); `/health/ready` that
it should get traffic: the database answers, its schema is current and no shutdown has
begun. `/health` is the readiness check without the shutdown, as it always was.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from odm import __version__
from odm.api.deps import DB
from odm.db.base import Database, migration_scripts
from odm.lifecycle import Lifecycle
from odm.models import ErrorResponse, Health, Liveness

router = APIRouter(tags=["operations"])
NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorResponse, "description": "Database down or schema behind."}
}


@router.get("/health", response_model=Health, responses=NOT_READY)
async def check_health(db: DB) -> Any:
    """200 when the database answers and its schema is the version this code expects."""
    return await _database_health(db)


@router.get("/health/live", response_model=Liveness)
async def check_liveness() -> Liveness:
    """200 while the process runs; it touches no database, so an outage restarts nothing."""
    return Liveness(status="alive")


@router.get(
    "/health/ready",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "Not ready, or shutting down."}},
)
async def check_readiness(request: Request, db: DB) -> Any:
    """200 when this process should get traffic: the database answers with the expected
    schema and the process is not shutting down."""
    lifecycle: Lifecycle = request.app.state.lifecycle
    if lifecycle.draining:
        detail = "shutting down: send new requests elsewhere"
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "1"})
    return await _database_health(db)


async def _database_health(db: Database) -> Any:
    current = await db.schema_version()
    expected = max(version for version, _ in migration_scripts(db.dialect))
    if current < expected:
        detail = f"schema version {current}, expected {expected}: run `odm init-db`"
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "30"})
    return Health(status="ok", version=__version__, database=db.dialect, schema_version=current)

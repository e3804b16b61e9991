"""`/metrics`: the service's Prometheus metrics, for the scraper and for admins."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from odm.api.auth import get_caller, sent_credential
from odm.auth.identity import Forbidden, Role
from odm.config import Settings
from odm.metrics import CONTENT_TYPE, observe_pool, render

router = APIRouter(tags=["operations"])


async def allow_scrape(request: Request) -> None:
    """The scraper's ODM_METRICS_TOKEN, an admin, or the loopback quick start may read the
    metrics; anyone else is refused (401 or 403) as for any guarded route."""
    settings: Settings = request.app.state.settings
    _, credential = sent_credential(request.headers)
    token = settings.metrics_token
    if token is not None and credential is not None:
        expected = token.get_secret_value().encode()
        if hmac.compare_digest(credential.encode(), expected):
            return
    caller = await get_caller(request)
    if not caller.anonymous and not caller.role.includes(Role.ADMIN):
        raise Forbidden("the metrics need the admin role or ODM_METRICS_TOKEN")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format."}},
    dependencies=[Depends(allow_scrape)],
)
async def read_metrics(request: Request) -> Response:
    """Request counts and latencies, rows and bytes streamed, streams, feed subscribers,
    database connections, ingested rows and database errors, in Prometheus' text format."""
    observe_pool(request.app.state.db.pool_stats())
    return Response(render(), media_type=CONTENT_TYPE)

"""Every error a client sees is JSON with a `detail` naming the problem; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from odm.db.base import DatabaseError, DatabaseUnavailable
from odm.rows import ShapeError

log = logging.getLogger("odm.api")


class NotFound(Exception):
    """A well or division named in the request does not exist (or is elsewhere)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidParameters(Exception):
    """Parameters that are each well-formed but cannot be answered (HTTP 422)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def install_error_handlers(app: FastAPI, retry_after: int) -> None:
    """Map the service's exceptions to JSON responses."""

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, NotFound)
        return JSONResponse({"detail": exc.detail}, status_code=404)

    async def invalid_parameters(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidParameters)
        return JSONResponse({"detail": exc.detail}, status_code=422)

    async def shape_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("query shape error for %s: %s", request.url.path, exc)
        return JSONResponse(
            {"detail": "the service's query does not match its documented fields"},
            status_code=500,
        )

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable for %s: %s", request.url.path, exc)
        return JSONResponse(
            {"detail": "the database is unavailable; retry later"},
            status_code=503,
            headers={"Retry-After": str(retry_after)},
        )

    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("database error for %s: %s", request.url.path, exc)
        return JSONResponse({"detail": "the database failed to answer"}, status_code=500)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(InvalidParameters, invalid_parameters)
    app.add_exception_handler(ShapeError, shape_error)
    app.add_exception_handler(DatabaseUnavailable, unavailable)
    app.add_exception_handler(DatabaseError, database_error)

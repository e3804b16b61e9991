"""Every error a client sees is JSON with a `detail` naming the problem; never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from odm.db.base import ConstraintViolation, DatabaseError, DatabaseUnavailable
from odm.metrics import DATABASE_ERRORS
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


class Conflict(Exception):
    """The write contradicts what is stored (a duplicate identifier): HTTP 409."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PayloadTooLarge(Exception):
    """A body past the configured size: HTTP 413."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnsupportedMediaType(Exception):
    """A body in a format the write does not read: HTTP 415."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


STATUS_OF: dict[type[Exception], int] = {
    NotFound: 404,
    InvalidParameters: 422,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
}


def _leaf_routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, inside the routers it includes."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from _leaf_routes(inner.routes) if inner is not None else (route,)


def install_error_handlers(app: FastAPI, retry_after: int) -> None:
    """Map the service's exceptions to JSON responses."""

    async def client_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=STATUS_OF[type(exc)])

    async def constraint(request: Request, exc: Exception) -> JSONResponse:
        log.info("write refused for %s: %s", request.url.path, exc)
        return JSONResponse(
            {
                "detail": "the write contradicts stored data (a duplicate identifier, or a row "
                "that others refer to)"
            },
            status_code=409,
        )

    async def shape_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("query shape error for %s: %s", request.url.path, exc)
        return JSONResponse(
            {"detail": "the service's query does not match its documented fields"},
            status_code=500,
        )

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable for %s: %s", request.url.path, exc)
        DATABASE_ERRORS.labels("unavailable").inc()
        return JSONResponse(
            {"detail": "the database is unavailable; retry later"},
            status_code=503,
            headers={"Retry-After": str(retry_after)},
        )

    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("database error for %s: %s", request.url.path, exc)
        DATABASE_ERRORS.labels("error").inc()
        return JSONResponse({"detail": "the database failed to answer"}, status_code=500)

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code != 405:
            return await http_exception_handler(request, exc)
        # Starlette names only the first route of the path; a path has GET and POST routes.
        methods: set[str] = set()
        for route in _leaf_routes(request.app.routes):
            if route.matches(request.scope)[0] is not Match.NONE:
                methods |= getattr(route, "methods", None) or set()
        allow = ", ".join(sorted(methods))
        return JSONResponse({"detail": "Method Not Allowed"}, 405, headers={"Allow": allow})

    app.add_exception_handler(StarletteHTTPException, method_not_allowed)
    for kind in STATUS_OF:
        app.add_exception_handler(kind, client_error)
    app.add_exception_handler(ConstraintViolation, constraint)
    app.add_exception_handler(ShapeError, shape_error)
    app.add_exception_handler(DatabaseUnavailable, unavailable)
    app.add_exception_handler(DatabaseError, database_error)

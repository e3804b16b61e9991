"""Who is calling, and what they may do: the FastAPI side of access control.

Every route but `/health` is guarded by `admit`: it identifies the caller (an API key, an
identity provider's token, or, in the loopback quick start only, nobody) and applies the
caller's rate and export limits. The caller's divisions become the `DivisionScope` every query
takes (`odm.api.deps.get_scope`), so a division outside it answers exactly as an unknown one.
Write routes add `require_role("writer")` and record their change with `audit_write`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.datastructures import Headers

from odm.api.errors import NotFound
from odm.api.limits import (
    AFTER_RESPONSE,
    ExportSlots,
    RateLimiter,
    RequestLimits,
    SizeLimits,
    TooManyRequests,
)
from odm.auth.audit import Change, record
from odm.auth.identity import (
    ANONYMOUS,
    Caller,
    Forbidden,
    ProviderUnavailable,
    Role,
    Unauthenticated,
)
from odm.auth.keys import parse_key
from odm.auth.keystore import authenticate_key, key_still_valid
from odm.auth.tokens import TokenVerifier
from odm.config import Settings
from odm.db.base import Database

log = logging.getLogger("odm.auth")

# Routes anyone may call: load balancers' health checks (which reveal no data).
OPEN_PATHS = frozenset({"/health", "/health/live", "/health/ready"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
# A request relayed by a proxy is never the loopback quick start, whatever its address.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")
# Streams that stay open all day by design: not exports, so not counted against their limit.
LIVE_STREAMS = frozenset({"/v1/changes"})
ASK_FOR_CREDENTIAL = "authentication required: send Authorization: Bearer <API key or token>"


class Access:
    """The access settings of one app, its token verifier and its callers' limits."""

    def __init__(self, settings: Settings) -> None:
        self.anonymous_read = settings.auth == "anonymous-read"
        self.verifier = TokenVerifier(settings) if settings.oidc_issuer else None
        self.rate = RateLimiter(settings.rate_limit, settings.rate_burst)
        self.exports = ExportSlots(settings.max_exports, settings.retry_after)

    async def still_valid(self, db: Database, caller: Caller) -> bool:
        """Whether a caller admitted earlier may go on (a revoked or expired key may not)."""
        return caller.key_id is None or await key_still_valid(db, caller.key_id)

    async def identify(self, request: Request, db: Database) -> Caller:
        """The caller of a request, or Unauthenticated."""
        header, credential = sent_credential(request.headers)
        if credential is None:
            if self.anonymous_read and is_loopback(request):
                return ANONYMOUS
            raise Unauthenticated(ASK_FOR_CREDENTIAL)
        key = parse_key(credential)
        if key is not None:
            return await authenticate_key(db, key)
        if header == "x-api-key" or self.verifier is None:
            raise Unauthenticated("invalid API key")
        return await self.verifier.verify(credential)


def sent_credential(headers: Headers) -> tuple[str, str | None]:
    """Which header carried a credential, and the credential (None: nothing sent). An empty
    header is no credential; two different ones are refused."""
    authorization = headers.get("authorization", "").strip()
    api_key = headers.get("x-api-key", "").strip()
    bearer = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("use Authorization: Bearer <API key or token>")
        bearer = value.strip()
    if bearer and api_key and bearer != api_key:
        raise Unauthenticated("send one credential: Authorization or X-API-Key, not both")
    if api_key:
        return "x-api-key", api_key
    return ("authorization", bearer) if bearer else ("", None)


def _is_loopback_host(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in LOOPBACK_NAMES


def is_loopback(request: Request) -> bool:
    """Whether a request came from this machine to a loopback address and names a loopback
    host: not through a proxy, and not a browser page whose name points here (DNS rebinding)."""
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    server = request.scope.get("server") or ("", None)
    client = request.client.host if request.client else ""
    host = request.headers.get("host", "")
    host_name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return all(_is_loopback_host(h) for h in (str(server[0]), client, host_name))


def is_loopback_bind(host: str) -> bool:
    """Whether a listening address only accepts connections from this machine."""
    return _is_loopback_host(host)


def _access(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


async def get_caller(request: Request) -> Caller:
    """Who is calling: from an API key, a bearer token, or (loopback quick start) nobody."""
    known = getattr(request.state, "caller", None)
    if isinstance(known, Caller):
        return known
    caller = await _access(request).identify(request, request.app.state.db)
    request.state.caller = caller
    return caller


CurrentCaller = Annotated[Caller, Depends(get_caller)]


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _lists(route: APIRoute) -> bool:
    """Whether a route answers a list, which streams whole without `limit`."""
    return "limit" in _query_names(route.dependant)


async def admit(request: Request, caller: CurrentCaller) -> None:
    """Identify the caller, then apply its request rate and, for a list streamed whole, its
    number of exports at once (given back when the response ends)."""
    access = _access(request)
    access.rate.take(caller.subject)
    route = request.scope.get("route")
    if (
        isinstance(route, APIRoute)
        and _lists(route)
        and "limit" not in request.query_params
        and route.path not in LIVE_STREAMS
    ):
        request.scope[AFTER_RESPONSE].append(access.exports.take(caller.subject))


def require_role(role: Role | str) -> Callable[..., Awaitable[Caller]]:
    """A dependency that lets only callers with at least `role` through; anonymous callers
    may only read."""
    needed = Role(role)

    async def check(caller: CurrentCaller) -> Caller:
        if caller.anonymous and needed is not Role.READER:
            raise Unauthenticated(f"{needed} access needs an API key or token")
        if not caller.role.includes(needed):
            raise Forbidden(f"this needs the {needed} role; the caller is a {caller.role}")
        return caller

    return check


def require_division(caller: Caller, division_id: int) -> None:
    """For writes: a division outside the caller's scope is, to it, not there (404)."""
    if not caller.scope.allows(division_id):
        raise NotFound(f"division {division_id} not found")


async def audit_write(
    request: Request, caller: Caller, row_count: int, target: str | None = None
) -> None:
    """Record a write that succeeded (its route template, method and rows) in the audit log."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    change = Change(request.method, route, target, row_count)
    await record(request.app.state.db, caller, change)


def install_access_control(app: FastAPI, settings: Settings) -> None:
    """Access state, error answers, request size limits and the OpenAPI security schemes."""
    app.state.access = Access(settings)
    sizes = (settings.max_query_bytes, settings.max_header_bytes, settings.max_body_bytes)
    app.add_middleware(RequestLimits, limits=SizeLimits(*sizes))
    _install_error_handlers(app, settings.retry_after)
    _document_security(app, anonymous=settings.auth == "anonymous-read")


def _install_error_handlers(app: FastAPI, retry_after: int) -> None:
    async def unauthenticated(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthenticated)
        challenge = 'Bearer realm="odm"'
        if "authorization" in request.headers or "x-api-key" in request.headers:
            challenge += ', error="invalid_token"'
        headers = {"WWW-Authenticate": challenge}
        return JSONResponse({"detail": exc.detail}, status_code=401, headers=headers)

    async def forbidden(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Forbidden)
        return JSONResponse({"detail": exc.detail}, status_code=403)

    async def too_many(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TooManyRequests)
        headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": exc.detail}, status_code=429, headers=headers)

    async def provider_down(request: Request, exc: Exception) -> JSONResponse:
        log.warning("identity provider unavailable: %s", exc.__cause__ or exc)
        detail = "the identity provider cannot be reached; retry later"
        headers = {"Retry-After": str(retry_after)}
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)

    app.add_exception_handler(Unauthenticated, unauthenticated)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(TooManyRequests, too_many)
    app.add_exception_handler(ProviderUnavailable, provider_down)


ACCESS_RESPONSES = {
    "401": "No credential, or one that is malformed, unknown, expired or revoked.",
    "403": "The caller's role does not allow this.",
    "414": "Query string too long (ODM_MAX_QUERY_BYTES).",
    "429": "Over the caller's request rate or exports at once; see Retry-After.",
    "431": "Headers too large (ODM_MAX_HEADER_BYTES).",
}
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An ODM API key (`odm_...`) or the identity provider's JWT.",
    },
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def _document_security(app: FastAPI, anonymous: bool) -> None:
    """Add the security schemes, and the access answers of every guarded operation, to the
    OpenAPI document FastAPI builds."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_security(build(), anonymous)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_security(schema: dict[str, Any], anonymous: bool) -> None:
    schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    requirements: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
    for path, item in schema.get("paths", {}).items():
        if path in OPEN_PATHS:
            continue
        for operation in item.values():
            operation["security"] = requirements + ([{}] if anonymous else [])
            for status, description in ACCESS_RESPONSES.items():
                answer = {"description": description, "content": error}
                operation["responses"].setdefault(status, answer)

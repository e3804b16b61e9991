"""ASGI middleware of the service's own."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from odm.logs import REQUEST_ID
from odm.metrics import REQUEST_SECONDS, REQUESTS, REQUESTS_IN_PROGRESS

access_log = logging.getLogger("odm.access")
# A client's request id is kept when it is short and plain (no spaces, quotes or newlines
# to forge log lines with); anything else is replaced by a new one.
REQUEST_ID_FORM = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
# Methods the metrics name; any other a client sends is counted as OTHER, so that clients
# cannot make a metric's series without end.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class SendTimeout:
    """Give up on a client that stops reading: a send that waits longer than `seconds` for
    the client raises, which ends the response and releases its database connection.

    Without it, a stalled client holds a connection (and a read snapshot) for as long as it
    keeps the socket open, and a few of them can take every pooled connection.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def timed_send(message: Message) -> None:
            # asyncio's own timeout costs about half of anyio's fail_after: this runs for
            # every chunk of every response, and every batch of every change stream.
            async with asyncio.timeout(self.seconds):
                await send(message)

        await self.app(scope, receive, timed_send)


class ObserveRequests:
    """Give each request an id (the client's `X-Request-ID` when well-formed, else a new
    one), echo it, count it as in progress until its response has ended, then log one
    access line and count it in the metrics by route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering
        label = _method(scope)  # the method as the metrics name it
        in_progress = REQUESTS_IN_PROGRESS.labels(label)
        in_progress.inc()

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            in_progress.dec()
            _observe(scope, label, status, time.perf_counter() - started)
            REQUEST_ID.reset(token)


def _request_id(scope: Scope) -> str:
    sent = next((v for n, v in scope.get("headers", []) if n == b"x-request-id"), b"")
    text = sent.decode("latin-1")
    return text if REQUEST_ID_FORM.fullmatch(text) else uuid.uuid4().hex


def _method(scope: Scope) -> str:
    """The request's method as the metrics name it."""
    method = str(scope.get("method", ""))
    return method if method in METHODS else "OTHER"


def _observe(scope: Scope, label: str, status: int, seconds: float) -> None:
    """Count the request (`label`: its method as the metrics name it) and log its access
    line (with the method sent)."""
    route = getattr(scope.get("route"), "path", None) or "unmatched"
    REQUESTS.labels(label, route, str(status)).inc()
    REQUEST_SECONDS.labels(label, route).observe(seconds)
    method = scope.get("method", "")
    client = scope.get("client") or ("", 0)
    fields = {
        "method": method,
        "path": scope.get("path", ""),
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "client": client[0],
    }
    access_log.info(
        "%s %s %d %.1f ms",
        method,
        scope.get("path", ""),
        status,
        seconds * 1000,
        extra={"fields": fields},
    )

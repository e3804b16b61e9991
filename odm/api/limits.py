"""Limits that keep one caller from taking the service from the others.

Per caller (an API key, a token's subject, or the anonymous loopback caller): a token-bucket
request rate and a number of whole-result streams at once, both answered 429 with
`Retry-After`. Per request, before any routing: the query string (414), all headers together
(431) and the body (413). Counters live in each worker process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Where a request's clean-ups (export slots to give back) wait for its response to end.
AFTER_RESPONSE = "odm.after_response"


class TooManyRequests(Exception):
    """A caller over one of its limits (HTTP 429)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


@dataclass
class RateLimiter:
    """A token bucket per caller: `burst` requests at once, refilled at `per_minute`."""

    per_minute: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, subject: str) -> None:
        """Spend one request of the caller's allowance, or raise TooManyRequests."""
        if self.per_minute <= 0:
            return
        now, rate = self.clock(), self.per_minute / 60.0
        tokens, stamp = self.buckets.get(subject, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) * rate)
        if tokens < 1.0:
            self.buckets[subject] = (tokens, now)
            wait = math.ceil((1.0 - tokens) / rate)
            raise TooManyRequests(f"rate limit of {self.per_minute:g} requests a minute", wait)
        self.buckets[subject] = (tokens - 1.0, now)
        if len(self.buckets) > 10_000:
            self._forget_full(now, rate)

    def _forget_full(self, now: float, rate: float) -> None:
        """Drop the buckets that have refilled (callers gone quiet): memory stays bounded."""
        for subject, (tokens, stamp) in list(self.buckets.items()):
            if tokens + (now - stamp) * rate >= self.burst:
                del self.buckets[subject]


@dataclass
class ExportSlots:
    """How many whole-result streams each caller has open, up to `limit`."""

    limit: int
    retry_after: int
    open: dict[str, int] = field(default_factory=dict)

    def take(self, subject: str) -> Callable[[], None]:
        """Open one stream for the caller and return what closes it; TooManyRequests if the
        caller already has `limit` open."""
        if self.open.get(subject, 0) >= self.limit:
            raise TooManyRequests(
                f"{self.limit} exports already running for this caller: wait for one to end "
                "or page with limit",
                self.retry_after,
            )
        self.open[subject] = self.open.get(subject, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.open[subject] -= 1
                if not self.open[subject]:
                    del self.open[subject]

        return release


@dataclass(frozen=True)
class SizeLimits:
    """Largest query string, header block and body a request may have, in bytes."""

    query: int
    headers: int
    body: int


class BodyTooLarge(HTTPException):
    """The body read so far is already over the limit (an HTTPException, so that a route
    reading the body answers 413 rather than "cannot parse")."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class RequestLimits:
    """Refuse oversized requests before they reach a route, and run each request's
    clean-ups (`AFTER_RESPONSE`) once its response has ended, however it ended."""

    def __init__(self, app: ASGIApp, limits: SizeLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _send_json(send, *refusal)
            return
        cleanups: list[Callable[[], None]] = []
        scope[AFTER_RESPONSE] = cleanups
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._counting(receive), tracked_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_json(send, 413, exc.detail)
        finally:
            for cleanup in cleanups:
                cleanup()

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        if len(scope.get("query_string", b"")) > self.limits.query:
            return 414, f"query string longer than {self.limits.query} bytes"
        headers = scope.get("headers", [])
        if sum(len(name) + len(value) + 4 for name, value in headers) > self.limits.headers:
            return 431, f"headers larger than {self.limits.headers} bytes together"
        length = next((v for n, v in headers if n == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.limits.body):
            return 413, BodyTooLarge(self.limits.body).detail
        return None

    def _counting(self, receive: Receive) -> Receive:
        """A receive that stops a body without Content-Length once it passes the limit."""
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limits.body:
                    raise BodyTooLarge(self.limits.body)
            return message

        return counted


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = orjson.dumps({"detail": detail})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""What a process does between SIGTERM and its exit.

uvicorn, on SIGTERM (or SIGINT), stops accepting connections, closes idle keep-alive ones
and waits for the requests in flight. ODM adds, from the same signal:

- readiness answers 503 (`/health/ready`), so a load balancer that still polls moves on;
- change feed subscribers get a `reconnect` event at once and their stream ends cleanly
  (they resume from `Last-Event-ID` on another process, or this one restarted);
- exports still running after `ODM_SHUTDOWN_GRACE` seconds are cut: the connection closes
  without the final chunk, so the client sees a truncated transfer, never a short body
  that looks complete;
- writes are left to finish: each commits or rolls back whole (one transaction).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("odm.lifecycle")
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class ResponseCut(Exception):
    """An export still running when the shutdown grace ended; its connection is closed
    without the final chunk."""


class Lifecycle:
    """Whether this process is draining, and when its long responses must end."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.draining = False
        self.cut = False
        self.on_drain: list[Callable[[], None]] = []
        self.sending: set[asyncio.Timeout] = set()  # body sends that the cut interrupts

    def drain(self) -> None:
        """Begin the shutdown: called once, from the event loop, when the signal arrives."""
        if self.draining:
            return
        self.draining = True
        log.info("shutting down: draining, exports cut in %g s", self.grace)
        for callback in self.on_drain:
            callback()
        asyncio.get_running_loop().call_later(self.grace, self._cut)

    def _cut(self) -> None:
        self.cut = True
        if self.sending:
            log.info("shutdown grace over: cutting %d responses still sending", len(self.sending))
        now = asyncio.get_running_loop().time()
        for sending in list(self.sending):
            sending.reschedule(now)  # expires now: the send raises TimeoutError


def hook_signals(lifecycle: Lifecycle) -> Callable[[], None]:
    """Chain `lifecycle.drain` in front of the handlers uvicorn installed for SIGTERM and
    SIGINT; return what restores them. Only the main thread can set handlers: elsewhere (an
    app under a test client) nothing is hooked."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        # In a context of its own: not that of the request the signal happened to interrupt.
        loop.call_soon_threadsafe(lifecycle.drain, context=contextvars.Context())
        earlier = previous.get(signum)
        if callable(earlier):
            earlier(signum, frame)

    for sig in SIGNALS:
        previous[sig] = signal.signal(sig, handle)

    def restore() -> None:
        for sig, handler in previous.items():
            if signal.getsignal(sig) is handle:
                signal.signal(sig, handler)

    return restore


class CutOnShutdown:
    """Once the grace is over, a response still sending its body is ended by raising out of
    its next send: the server then closes the connection without the final chunk."""

    def __init__(self, app: ASGIApp, lifecycle: Lifecycle) -> None:
        self.app = app
        self.lifecycle = lifecycle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        lifecycle = self.lifecycle
        path = scope.get("path")

        async def checked_send(message: Message) -> None:
            if message["type"] != "http.response.body" or not message.get("more_body", False):
                await send(message)
                return
            if lifecycle.cut:
                raise ResponseCut(f"{path}: cut at shutdown")
            # A send may wait long for a client that reads slowly: the cut interrupts it too,
            # by expiring this timeout (asyncio's, without a deadline: an anyio cancel scope
            # per send cost the change feed a tenth of its time at 1,000 subscribers).
            try:
                async with asyncio.timeout(None) as sending:
                    lifecycle.sending.add(sending)
                    try:
                        await send(message)
                    finally:
                        lifecycle.sending.discard(sending)
            except TimeoutError:
                if not sending.expired():
                    raise  # not the cut's
                raise ResponseCut(f"{path}: cut at shutdown") from None

        await self.app(scope, receive, checked_send)

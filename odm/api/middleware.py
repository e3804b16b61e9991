"""ASGI middleware of the service's own."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


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

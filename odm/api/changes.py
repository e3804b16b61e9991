"""Version 1 change feed: what changed, in order, as Server-Sent Events or as pages.

Each event's `id` is its change id: a client that reconnects with `Last-Event-ID` (browsers'
EventSource does it by itself) or `?after=` gets every change after it exactly once, in
order. A client further behind than the log's retention gets a `reset` event: reload, then
go on from the id it carries. The caller's divisions filter every event, from the event's
own division, without a query per subscriber.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Message, Send

from odm.api.auth import Access, CurrentCaller, require_role
from odm.api.deps import DB, AppSettings
from odm.api.params import optional_id
from odm.auth.identity import Caller, Role
from odm.db.base import Database
from odm.feed.hub import Change, Hub, Pruned, first_id_since, latest_id, read_after
from odm.feed.keys import KeyChecks
from odm.metrics import FEED_SUBSCRIBERS
from odm.models import ChangeEvent, ErrorResponse, FeedStats

router = APIRouter(prefix="/v1", tags=["changes"])
ENTITIES = (
    "daily_production",
    "monthly_production",
    "well_budget",
    "oil_price",
    "monthly_price",
    "well",
    "division",
)
Admin = Annotated[Caller, Depends(require_role(Role.ADMIN))]
RECHECK_SECONDS = 2.5  # how often a stream checks that its caller's key is still valid
MAX_PAGE = 1000
RECONNECT_MS = 1000  # the retry delay a `reconnect` event asks for
# How long the SSE library, once it sees the server stopping, lets a stream send its
# `reconnect` event before it cancels it.
FAREWELL_SECONDS = 2.0


@dataclass(frozen=True)
class Wanted:
    """Which changes a subscriber asked for, besides its divisions."""

    division_id: int | None
    well_id: int | None
    entities: frozenset[str]

    def matches(self, change: Change, caller: Caller) -> bool:
        """Whether the caller may see the change and asked for it."""
        return (
            change.visible(caller.scope)
            and (self.division_id is None or change.division_id == self.division_id)
            and (self.well_id is None or change.well_id == self.well_id)
            and (not self.entities or change.entity in self.entities)
        )


@router.get(
    "/changes/stats",
    responses={403: {"model": ErrorResponse, "description": "Not an admin."}},
)
async def show_feed_stats(request: Request, caller: Admin) -> FeedStats:
    """The change feed of the process that answered: its subscribers, its reads of the log
    and its key checks (admins; with several workers, each process counts its own)."""
    checks: KeyChecks = request.app.state.key_checks
    return FeedStats(**_hub(request).stats(), key_checks=checks.checks)


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


@router.get(
    "/changes",
    response_model=None,
    responses={
        200: {
            "model": list[ChangeEvent],
            "description": "`text/event-stream` (default): one `change` event per change, "
            "`id` its change id; a `reset` event when the changes asked for were pruned. "
            "With `format=json`: a page of changes and a `Link` to the next.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        404: {"model": ErrorResponse, "description": "An unknown (or not your) division."},
    },
)
async def stream_changes(
    request: Request,
    db: DB,
    settings: AppSettings,
    caller: CurrentCaller,
    after: Annotated[
        int | None,
        Query(
            ge=0,
            le=2**63 - 1,
            description="Resume after this change id (0: from the "
            "oldest kept). Without it (or Last-Event-ID), from now on.",
        ),
    ] = None,
    last_event_id: Annotated[
        str | None,
        Header(
            pattern=r"^\d{1,19}$",
            description="The id of the last event received; resumes after it.",
        ),
    ] = None,
    since_seconds: Annotated[
        int | None,
        Query(
            ge=1,
            le=366 * 86400,
            description="Without `after` (or Last-Event-ID): start with the changes "
            "committed in the last this many seconds, by the server's clock (3600: the "
            "last hour), then go on live.",
        ),
    ] = None,
    division_id: Annotated[int | None, optional_id("Only this division's changes.")] = None,
    well_id: Annotated[int | None, optional_id("Only this well's changes.")] = None,
    entity: Annotated[
        list[Literal[ENTITIES]] | None,  # type: ignore[valid-type]
        Query(description="Only these kinds of data (repeat the parameter for several)."),
    ] = None,
    format: Annotated[
        Literal["sse", "json"],
        Query(description="sse: a live stream of events; json: one page of changes."),
    ] = "sse",
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description="With format=json: changes per page.")
    ] = MAX_PAGE,
) -> Any:
    """Every change to the data the caller may see, in commit order, live (Server-Sent
    Events) or paged (`format=json`)."""
    start = int(last_event_id) if last_event_id is not None else after
    wanted = Wanted(division_id, well_id, frozenset(entity or ()))
    if start is None:
        start = await _start(db, since_seconds)
    if format == "json":
        return await _page(request, db, caller, wanted, start, limit)
    stream = _events(request, db, caller, wanted, start)
    return _FeedResponse(
        stream,
        ping=settings.feed_heartbeat_seconds,
        headers={"X-Accel-Buffering": "no"},
        shutdown_grace_period=FAREWELL_SECONDS,
    )


class _FeedResponse(EventSourceResponse):
    """sse-starlette's response, each send without a timeout scope of its own: the
    SendTimeout middleware bounds every send of every response already, and an anyio cancel
    scope per send (entered even with no timeout set) cost the feed a tenth of its time at
    1,000 subscribers. sse-starlette is pinned: this overrides its one send method."""

    async def _send_with_timeout(self, send: Send, message: Message) -> None:
        await send(message)


async def _start(db: Database, since_seconds: int | None) -> int:
    """Where a client that gave no id starts: after the last change before its window, or
    from now on."""
    if since_seconds is not None:
        moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=since_seconds)
        first = await first_id_since(db, moment)
        if first is not None:
            return first - 1
    return await latest_id(db)


async def _page(
    request: Request, db: Database, caller: Caller, wanted: Wanted, after: int, limit: int
) -> JSONResponse:
    """One page of changes after an id (those the caller may not see are skipped)."""
    try:
        changes = await read_after(db, after, limit)
    except Pruned as exc:
        detail = f"changes after {after} were pruned: reload, then go on after {exc.latest}"
        return JSONResponse({"detail": detail, "latest": exc.latest}, status_code=410)
    rows = [c.as_json() for c in changes if wanted.matches(c, caller)]
    headers = {}
    if changes:
        url = request.url.include_query_params(after=changes[-1].change_id)
        headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    return JSONResponse(rows, headers=headers)


async def _events(
    request: Request,
    db: Database,
    caller: Caller,
    wanted: Wanted,
    after: int,
) -> AsyncIterator[ServerSentEvent | bytes]:
    """The events after an id, then live ones as they arrive, until the client leaves or its
    key stops being valid. The events of one batch go out in one send."""
    hub = _hub(request)
    still_valid = _validity(request, caller)
    with FEED_SUBSCRIBERS.track_inprogress():
        async for event in _follow(hub, db, caller, wanted, after, still_valid):
            yield event


async def _follow(
    hub: Hub,
    db: Database,
    caller: Caller,
    wanted: Wanted,
    after: int,
    still_valid: Callable[[], Awaitable[bool]],
) -> AsyncIterator[ServerSentEvent | bytes]:
    """The subscriber's events until it leaves, its key stops being valid, or the process
    shuts down (a `reconnect` event, then the end of the stream)."""
    checked = asyncio.get_running_loop().time()

    def matches(change: Change) -> bool:
        return wanted.matches(change, caller)

    hub.subscribers += 1
    try:
        while True:
            if hub.closing:
                yield _reconnect(after)
                return
            try:
                changes = await _next_changes(hub, db, after)
            except Pruned as exc:
                yield _reset(after, exc)
                after = exc.latest
                continue
            if sent := hub.encoded(changes, (caller.scope, wanted), matches):
                yield sent
            after = changes[-1].change_id if changes else after
            now = asyncio.get_running_loop().time()
            if now - checked >= RECHECK_SECONDS:
                checked = now
                if not await still_valid():
                    yield ServerSentEvent(
                        json.dumps({"detail": "credential no longer valid"}), event="end"
                    )
                    return
            if not changes:
                await hub.wait(after)  # woken at least every RECHECK_SECONDS
    finally:
        hub.subscribers -= 1


async def _next_changes(hub: Hub, db: Database, after: int) -> list[Change]:
    """From the process's window if it holds them; else from the database (a catch-up)."""
    held = hub.held_after(after)
    if held is not None:
        return held
    hub.catch_ups += 1
    return await read_after(db, after)


def _reconnect(after: int) -> ServerSentEvent:
    """The process is shutting down: the client should reconnect (EventSource does, after
    `retry` ms, with Last-Event-ID) and will miss nothing."""
    data = {"detail": "the server is restarting: reconnect to resume", "after": after}
    return ServerSentEvent(json.dumps(data), event="reconnect", retry=RECONNECT_MS)


def _reset(after: int, exc: Pruned) -> ServerSentEvent:
    data = {
        "detail": f"changes after {after} were pruned: reload the data, then go on from here",
        "latest": exc.latest,
    }
    return ServerSentEvent(json.dumps(data), event="reset", id=str(exc.latest))


def _validity(request: Request, caller: Caller) -> Callable[[], Awaitable[bool]]:
    """A check that the caller's key still works (revoked or expired keys end streams),
    shared by the streams of one key."""
    access: Access = request.app.state.access
    checks: KeyChecks = request.app.state.key_checks

    async def ask() -> bool:
        return await access.still_valid(request.app.state.db, caller)

    async def check() -> bool:
        if caller.key_id is None:
            return True
        return await checks.still_valid(caller.key_id, ask)

    return check

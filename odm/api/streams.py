"""Turn a query into a streamed HTTP response: query, row batches, writer.

The first batch is fetched before the response starts, so that a database that is down
or a query that fails still gets a proper status code (503, 500) instead of a cut stream.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from odm.db.base import Batch, Database, DatabaseError, DatabaseUnavailable
from odm.metrics import ACTIVE_STREAMS, BYTES_STREAMED, DATABASE_ERRORS, ROWS_STREAMED
from odm.queries.compose import Query
from odm.rows import Bound, RowPlan
from odm.streaming import MEDIA_TYPES, Format, mapped, writer_for

log = logging.getLogger("odm.stream")


class StreamAborted(Exception):
    """The database failed after the response started; the connection is dropped.

    Raising out of the body makes the server close the connection without the final
    zero-length chunk, so no client can take the truncated body for a complete one.
    """


class ClosingStreamingResponse(StreamingResponse):
    """A StreamingResponse that always closes its body and its sources when it ends.

    Starlette leaves a body generator that was paused at `yield` when the client left to the
    garbage collector, with its database connection and read snapshot still open; closing
    them here hands the connection back at once.
    """

    def __init__(
        self,
        content: AsyncIterator[bytes],
        *,
        sources: Sequence[AsyncGenerator[Any]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(content, **kwargs)
        self.sources = sources

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ACTIVE_STREAMS.inc()
        try:
            await super().__call__(scope, receive, send)
        finally:
            ACTIVE_STREAMS.dec()
            with anyio.CancelScope(shield=True):
                for source in (self.body_iterator, *self.sources):
                    aclose = getattr(source, "aclose", None)
                    if aclose is not None:
                        await aclose()


async def open_batches(
    db: Database, query: Query, batch_rows: int, small: bool = False
) -> tuple[Batch, AsyncGenerator[Batch]]:
    """Execute the query and fetch its first batch (with the column names) now; the rest
    when iterated (`small`: a result of a row per division or fewer, fetched whole by one
    statement, without the cursor and transaction a stream takes)."""
    if small:
        return await db.fetch(query.sql, query.params), _no_more()
    batches = db.stream(query.sql, query.params, batch_rows)
    try:
        first = await anext(batches)
    except BaseException:
        await batches.aclose()
        raise
    return first, batches


async def _no_more() -> AsyncGenerator[Batch]:
    return
    yield  # pragma: no cover (makes this an empty async generator)


async def _through(
    first: Batch, rest: AsyncGenerator[Batch], bound: Bound, what: str
) -> AsyncGenerator[Batch]:
    rows = ROWS_STREAMED.labels(what)
    try:
        rows.inc(len(first.rows))
        yield mapped(first, bound)
        async for batch in rest:
            rows.inc(len(batch.rows))
            yield mapped(batch, bound)
    finally:
        await rest.aclose()


async def guarded(chunks: AsyncIterator[bytes], what: str) -> AsyncIterator[bytes]:
    """The chunks, or StreamAborted (a cut connection) when the database fails midway."""
    sent = 0
    counted = BYTES_STREAMED.labels(what)
    try:
        async for chunk in chunks:
            yield chunk
            sent += len(chunk)
            counted.inc(len(chunk))
    except (DatabaseError, DatabaseUnavailable) as exc:
        log.error("%s: database failed after %d bytes were sent: %s", what, sent, exc)
        DATABASE_ERRORS.labels("stream").inc()
        raise StreamAborted(f"{what}: database failed mid-stream") from exc


async def stream_query(
    db: Database,
    query: Query,
    plan: RowPlan,
    fmt: Format = Format.JSON,
    batch_rows: int = 5000,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, type] | None = None,
    small: bool = False,
    if_empty: Callable[[], Awaitable[None]] | None = None,
) -> StreamingResponse:
    """A chunked response streaming the query's rows through the plan in the given format
    (`kinds`: each field's type, for Arrow and Parquet; `small`: see open_batches;
    `if_empty`: awaited when there are no rows, to raise the 404 that says why, so that a
    request that finds its rows pays no separate lookup).

    The plan is bound to the columns of the first batch before the response starts, so a
    query that does not match its model is a clean 500, not a cut stream.
    """
    first, rest = await open_batches(db, query, batch_rows, small)
    try:
        if if_empty is not None and not first.rows:
            await if_empty()
        bound = plan.bind(first.columns)
    except BaseException:
        await rest.aclose()
        raise
    batches = _through(first, rest, bound, query.name)
    return ClosingStreamingResponse(
        guarded(writer_for(fmt, kinds)(batches), query.name),
        sources=[batches],
        media_type=MEDIA_TYPES[fmt],
        headers=dict(headers or {}),
    )

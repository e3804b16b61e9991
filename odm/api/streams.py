"""Turn a query into a streamed HTTP response: query, row batches, writer.

The first batch is fetched before the response starts, so that a database that is down
or a query that fails still gets a proper status code (503, 500) instead of a cut stream.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable

from fastapi.responses import StreamingResponse

from odm.db.base import Batch, Database, DatabaseError, DatabaseUnavailable, Row
from odm.queries.compose import Query
from odm.streaming import MEDIA_TYPES, WRITERS, Format, map_rows

log = logging.getLogger("odm.stream")


class StreamAborted(Exception):
    """The database failed after the response started; the connection is dropped.

    Raising out of the body makes the server close the connection without the final
    zero-length chunk, so no client can take the truncated body for a complete one.
    """


async def open_batches(db: Database, query: Query, batch_rows: int) -> AsyncIterator[Batch]:
    """Execute the query and fetch its first batch now; the rest when iterated."""
    batches = db.stream(query.sql, query.params, batch_rows)
    try:
        first = await anext(batches, None)
    except BaseException:
        await batches.aclose()
        raise
    return _primed(first, batches)


async def _primed(first: Batch | None, rest: AsyncGenerator[Batch]) -> AsyncIterator[Batch]:
    try:
        if first is not None:
            yield first
            async for batch in rest:
                yield batch
    finally:
        await rest.aclose()


async def _guarded(chunks: AsyncIterator[bytes], what: str) -> AsyncIterator[bytes]:
    sent = 0
    try:
        async for chunk in chunks:
            yield chunk
            sent += len(chunk)
    except (DatabaseError, DatabaseUnavailable) as exc:
        log.error("%s: database failed after %d bytes were sent: %s", what, sent, exc)
        raise StreamAborted(f"{what}: database failed mid-stream") from exc


async def stream_query(
    db: Database,
    query: Query,
    fmt: Format = Format.JSON,
    batch_rows: int = 5000,
    transform: Callable[[Row], Row] | None = None,
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    """A chunked response streaming the query's rows in the given format."""
    batches = await open_batches(db, query, batch_rows)
    if transform is not None:
        batches = map_rows(batches, transform)
    chunks = WRITERS[fmt](query.fields, batches)
    return StreamingResponse(
        _guarded(chunks, query.name),
        media_type=MEDIA_TYPES[fmt],
        headers=headers,
    )

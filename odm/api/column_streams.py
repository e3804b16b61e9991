"""Lists streamed on the columnar path: Arrow batches from the driver, converted on
columns, written by compiled code in any list format (`odm.columns`, `odm.column_text`).

It follows the row path's streaming response (`odm.api.streams`): the first batch is fetched
and checked before the headers go out, a database failure after that cuts the connection,
the source is closed when the response ends. When the backend cannot fetch the query as
Arrow, or the first batch's types are not the model's, it answers None and the caller
streams rows instead.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping
from typing import Any

import anyio.to_thread
from fastapi.responses import StreamingResponse

from odm import column_text, columnar
from odm.api.streams import ClosingStreamingResponse, guarded
from odm.columns import ColumnPlan, Unsuitable
from odm.db.base import Database
from odm.queries.compose import Query
from odm.streaming import MEDIA_TYPES, TYPED_FORMATS, Format

BatchWriter = Callable[[AsyncIterable[Any]], AsyncIterator[bytes]]
WRITERS: dict[Format, BatchWriter] = {
    Format.JSON: column_text.json_array,
    Format.NDJSON: column_text.ndjson,
    Format.CSV: column_text.csv_records,
    Format.ARROW: columnar.ipc_stream,
    Format.PARQUET: columnar.parquet_stream,
}
# The model types the text writers handle (text needs escaping, quoting, formula guards).
TEXT_KINDS = (int, float, dt.date)


async def preload(db: Database) -> None:
    """Load pyarrow, its compute kernels and the backend's driver (Parquet's writer waits for
    the first Parquet answer) before the first request. Arrow's allocator is chosen when
    pyarrow is first imported (see odm/__init__.py)."""
    await anyio.to_thread.run_sync(importlib.import_module, "pyarrow.compute")
    await db.load_column_driver()


def writes(plan: ColumnPlan, fmt: Format) -> bool:
    """Whether the columnar path writes this plan's fields in this format."""
    return fmt in TYPED_FORMATS or all(plan.kinds.get(f) in TEXT_KINDS for f in plan.output)


async def stream_columns(
    db: Database,
    query: Query,
    plan: ColumnPlan,
    fmt: Format,
    headers: Mapping[str, str],
    batch_rows: int,
) -> StreamingResponse | None:
    """The query's rows on the columnar path in the format, in Arrow batches of
    `batch_rows`, or None (take the row path)."""
    if not writes(plan, fmt):
        return None
    source = db.stream_columns(query.sql, query.params, batch_rows)
    if source is None:
        return None
    try:
        first = await anext(source)
        plan.check(first)
    except (Unsuitable, StopAsyncIteration):  # no batch at all tells no columns either
        await source.aclose()
        return None
    except BaseException:
        await source.aclose()
        raise
    batches = _converted(first, source, plan, fmt in TYPED_FORMATS)
    return ClosingStreamingResponse(
        guarded(WRITERS[fmt](batches), query.name),
        sources=[batches],
        media_type=MEDIA_TYPES[fmt],
        headers=dict(headers),
    )


async def _converted(
    first: Any, rest: AsyncGenerator[Any], plan: ColumnPlan, typed: bool
) -> AsyncGenerator[Any]:
    """The batches through the plan; Arrow and Parquet get the model's types (SQLite's
    dates are text until here)."""
    schema = plan.schema
    try:
        yield _through(first, plan, schema if typed else None)
        async for batch in rest:
            if batch.num_rows:
                yield _through(batch, plan, schema if typed else None)
    finally:
        await rest.aclose()


def _through(batch: Any, plan: ColumnPlan, schema: Any) -> Any:
    converted = plan.apply(batch)
    return converted if schema is None else converted.cast(schema)

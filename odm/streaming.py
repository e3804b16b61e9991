"""Writers that turn row batches into JSON array, NDJSON or CSV byte chunks.

Each batch becomes one chunk, so memory holds one batch at a time whatever the result size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Callable
from enum import StrEnum

import orjson

from odm.db.base import Batch
from odm.rows import Bound


class Format(StrEnum):
    """The response formats of list endpoints."""

    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"


MEDIA_TYPES: dict[Format, str] = {
    Format.JSON: "application/json",
    Format.NDJSON: "application/x-ndjson",
    Format.CSV: "text/csv; charset=utf-8",
}


def _objects(batch: Batch) -> list[dict[str, object]]:
    return [dict(zip(batch.columns, row, strict=True)) for row in batch.rows]


async def json_array(batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """A JSON array of objects; the closing `]` is written only after the last row."""
    separator = b"["
    async for batch in batches:
        if batch.rows:
            # orjson writes the whole batch as one array; its brackets are dropped so that
            # consecutive batches join into one array.
            yield separator + orjson.dumps(_objects(batch))[1:-1]
            separator = b","
    yield b"[]" if separator == b"[" else b"]"


async def ndjson(batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """One JSON object per line."""
    async for batch in batches:
        if batch.rows:
            yield b"".join(
                orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE) for obj in _objects(batch)
            )


async def csv_rows(batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """CSV with a header row (the first batch's columns); NULL is an empty field, dates are
    YYYY-MM-DD."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = False
    async for batch in batches:
        if not header:
            writer.writerow(batch.columns)
            header = True
        writer.writerows(batch.rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


Writer = Callable[[AsyncIterable[Batch]], AsyncIterator[bytes]]
WRITERS: dict[Format, Writer] = {
    Format.JSON: json_array,
    Format.NDJSON: ndjson,
    Format.CSV: csv_rows,
}


def mapped(batch: Batch, bound: Bound) -> Batch:
    """A batch through a row plan bound to its columns."""
    if bound.apply is None:
        return Batch(bound.columns, batch.rows)
    return Batch(bound.columns, [bound.apply(row) for row in batch.rows])

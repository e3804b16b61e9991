"""Writers that turn row batches into JSON array, NDJSON or CSV byte chunks.

Each batch becomes one chunk, so memory holds one batch at a time whatever the result size.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from enum import StrEnum

import orjson

from odm.db.base import Batch, Row


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


def _objects(fields: Sequence[str], batch: Batch) -> list[dict[str, object]]:
    return [dict(zip(fields, row, strict=True)) for row in batch]


async def json_array(fields: Sequence[str], batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """A JSON array of objects; the closing `]` is written only after the last row."""
    separator = b"["
    async for batch in batches:
        if batch:
            # orjson writes the whole batch as one array; its brackets are dropped so that
            # consecutive batches join into one array.
            yield separator + orjson.dumps(_objects(fields, batch))[1:-1]
            separator = b","
    yield b"[]" if separator == b"[" else b"]"


async def ndjson(fields: Sequence[str], batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """One JSON object per line."""
    async for batch in batches:
        if batch:
            yield b"".join(
                orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)
                for obj in _objects(fields, batch)
            )


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a written cell may start like a formula. Single characters are one fast search each;
# "-" (in every date) counts only after a comma or line break; a quoted cell (which the csv
# module writes for text holding CR, a comma or a quote) is always suspect.
_SUSPECT_CHARACTERS = ("=", "+", "@", "\t", '"')
_DASH_CELL = re.compile(r"-(?<=[,\n]-)")


def _may_start_a_formula(text: str) -> bool:
    """Whether a cell of written CSV text may start like a formula (a false alarm, such as a
    negative number, only costs writing the batch again)."""
    return (
        text[:1] in FORMULA_STARTS
        or any(c in text for c in _SUSPECT_CHARACTERS)
        or _DASH_CELL.search(text) is not None
    )


def formula_safe(batch: Batch) -> list[Row]:
    """Text cells that start like a formula get a leading `'`, which Excel and LibreOffice
    show as text and never evaluate; numbers (a negative variance) are left as they are."""
    return [
        tuple(f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row)
        for row in batch
    ]


async def csv_rows(fields: Sequence[str], batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """CSV with a header row; NULL is an empty field, dates are YYYY-MM-DD; text that a
    spreadsheet would run as a formula is written as text (`formula_safe`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    async for batch in batches:
        start = buffer.tell()
        writer.writerows(batch)
        text = buffer.getvalue()
        # Only a batch where a cell may start like a formula (a negative number, say) is
        # written again, cell by cell.
        if _may_start_a_formula(text[start:]):
            buffer.seek(start)
            buffer.truncate()
            writer.writerows(formula_safe(batch))
            text = buffer.getvalue()
        yield text.encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


Writer = Callable[[Sequence[str], AsyncIterable[Batch]], AsyncIterator[bytes]]
WRITERS: dict[Format, Writer] = {
    Format.JSON: json_array,
    Format.NDJSON: ndjson,
    Format.CSV: csv_rows,
}


async def map_rows(
    batches: AsyncIterable[Batch], transform: Callable[[Row], Row]
) -> AsyncIterator[Batch]:
    """Apply a row transform batch by batch (rounding, unit conversion)."""
    async for batch in batches:
        yield [transform(row) for row in batch]

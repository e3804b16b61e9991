"""Writers that turn row batches into JSON array, NDJSON or CSV byte chunks (Arrow and
Parquet in `odm.columnar`).

Each batch becomes one chunk, so memory holds one batch at a time whatever the result size.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from enum import StrEnum
from functools import partial

import orjson

from odm.db.base import Batch, Row
from odm.rows import Bound


class Format(StrEnum):
    """The response formats of list endpoints."""

    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    ARROW = "arrow"
    PARQUET = "parquet"


MEDIA_TYPES: dict[Format, str] = {
    Format.JSON: "application/json",
    Format.NDJSON: "application/x-ndjson",
    Format.CSV: "text/csv; charset=utf-8",
    Format.ARROW: "application/vnd.apache.arrow.stream",
    Format.PARQUET: "application/vnd.apache.parquet",
}
# The formats whose writers need the columns' types (`odm.columnar`).
TYPED_FORMATS = frozenset({Format.ARROW, Format.PARQUET})


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


def formula_safe(rows: Sequence[Row]) -> list[Row]:
    """Text cells that start like a formula get a leading `'`, which Excel and LibreOffice
    show as text and never evaluate; numbers (a negative variance) are left as they are."""
    return [
        tuple(f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row)
        for row in rows
    ]


async def csv_rows(batches: AsyncIterable[Batch]) -> AsyncIterator[bytes]:
    """CSV with a header row (the first batch's columns); NULL is an empty field, dates are
    YYYY-MM-DD; text that a spreadsheet would run as a formula is written as text
    (`formula_safe`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = False
    async for batch in batches:
        if not header:
            writer.writerow(batch.columns)
            header = True
        start = buffer.tell()
        writer.writerows(batch.rows)
        text = buffer.getvalue()
        # Only a batch where a cell may start like a formula (a negative number, say) is
        # written again, cell by cell.
        if _may_start_a_formula(text[start:]):
            buffer.seek(start)
            buffer.truncate()
            writer.writerows(formula_safe(batch.rows))
            text = buffer.getvalue()
        yield text.encode()
        buffer.seek(0)
        buffer.truncate()


Writer = Callable[[AsyncIterable[Batch]], AsyncIterator[bytes]]
WRITERS: dict[Format, Writer] = {
    Format.JSON: json_array,
    Format.NDJSON: ndjson,
    Format.CSV: csv_rows,
}


def writer_for(fmt: Format, kinds: Mapping[str, type] | None = None) -> Writer:
    """The writer of a format; Arrow and Parquet take each column's type from `kinds`
    (a field's Python type: int, float, str, bool or date)."""
    if fmt not in TYPED_FORMATS:
        return WRITERS[fmt]
    # Imported when first asked for: pyarrow takes a while to load, and most answers
    # never need it.
    from odm import columnar

    if fmt is Format.ARROW:
        return partial(columnar.arrow_stream, kinds=kinds or {})
    return partial(columnar.parquet_file, kinds=kinds or {})


def mapped(batch: Batch, bound: Bound) -> Batch:
    """A batch through a row plan bound to its columns."""
    if bound.apply is None:
        return Batch(bound.columns, batch.rows)
    return Batch(bound.columns, [bound.apply(row) for row in batch.rows])

"""JSON array, NDJSON and CSV written from Arrow record batches by compiled code, byte for
byte what the row writers of `odm.streaming` write for the same rows.

Each column becomes an array of value texts at once: integers and dates by Arrow's casts,
doubles by orjson over the whole column (orjson formats a NumPy double exactly as it formats
a Python float; CSV takes Python's `repr`, which writes the same digits and differs only in
the exponent form of very small and very large numbers, so those few values are written by
`repr` itself). Arrow's element-wise join then builds every row's text in one pass, and the
batch's bytes are the joined array's data buffer. Text columns (which need JSON escaping
and CSV quoting and formula guards) are not written here: such lists keep the row path.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterator
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from odm.columnar import doubles, text_array, text_scalar, valid

# Doubles whose `repr` is in exponent form (CSV writes those with `repr`).
_PLAIN_LOW, _PLAIN_HIGH = 1e-4, 1e16
# Rows written per chunk: a driver's batch is cut into slices (without copying) so that the
# text of only one slice is held at a time, under a megabyte.
SLICE_ROWS = 4096


def _kind(arrow_type: pa.DataType) -> str | None:
    if pa.types.is_integer(arrow_type):
        return "int"
    if pa.types.is_floating(arrow_type):
        return "float"
    if pa.types.is_date32(arrow_type) or pa.types.is_string(arrow_type):
        return "date"  # SQLite's dates are ISO text, written as they are
    return None


def _strings(texts: bytes, count: int) -> pa.Array:
    """The comma-separated values orjson wrote (without brackets) as a string array."""
    offsets = pa.py_buffer(np.array([0, len(texts)], dtype=np.int32))
    whole = pa.StringArray.from_buffers(1, offsets, pa.py_buffer(texts))
    values = pc.split_pattern(whole, ",").flatten()
    if len(values) != count:
        raise ValueError(f"{count} values were written as {len(values)}")
    return values


def _float_json(array: pa.Array) -> pa.Array:
    """Each double as orjson writes it; null (and NaN or infinity, as orjson does) `null`."""
    values = doubles(array)
    return _strings(orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1], len(array))


def _float_csv(array: pa.Array) -> pa.Array:
    """Each double as Python's csv module writes it (`repr`); null an empty field."""
    texts = _float_json(array)
    values = doubles(array)
    with np.errstate(invalid="ignore"):
        magnitude = np.abs(values)
        odd = ~np.isfinite(values) | ((magnitude < _PLAIN_LOW) & (values != 0))
        odd |= magnitude >= _PLAIN_HIGH
    odd &= valid(array)
    if odd.any():
        patched = texts.to_pylist()
        for i in np.flatnonzero(odd):
            patched[i] = repr(float(values[i]))
        texts = text_array(patched)
    return pc.if_else(array.is_null(), text_scalar(""), texts)


def _text(array: pa.Array, csv: bool) -> pa.Array:
    """A column's value texts for JSON (`csv` False) or CSV."""
    kind = _kind(array.type)
    if kind == "float":
        return _float_csv(array) if csv else _float_json(array)
    texts = array.cast(pa.string())
    if kind == "date" and not csv:
        quote = text_scalar('"')
        texts = pc.binary_join_element_wise(quote, texts, quote, text_scalar(""))
    return pc.fill_null(texts, text_scalar("" if csv else "null"))


def _joined(parts: list[Any]) -> bytes:
    """The bytes of every row's text, rows one after the other."""
    texts = [text_scalar(p) if isinstance(p, str) else p for p in parts]
    rows = pc.binary_join_element_wise(*texts, text_scalar(""))
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)
    start, end = offsets[rows.offset], offsets[rows.offset + len(rows)]
    data: bytes = rows.buffers()[2][start:end].to_pybytes()
    return data


def object_rows(batch: pa.RecordBatch, end: str) -> bytes:
    """Each row as a JSON object followed by `end`."""
    parts: list[Any] = []
    for i, (name, column) in enumerate(zip(batch.schema.names, batch.columns, strict=True)):
        key = orjson.dumps(name).decode()
        parts += [("{" if i == 0 else ",") + key + ":", _text(column, csv=False)]
    parts.append("}" + end)
    return _joined(parts)


def csv_rows(batch: pa.RecordBatch) -> bytes:
    """Each row as a CSV record ending in CRLF."""
    parts: list[Any] = []
    for i, column in enumerate(batch.columns):
        parts += [",", _text(column, csv=True)] if i else [_text(column, csv=True)]
    parts.append("\r\n")
    return _joined(parts)


def _slices(batch: pa.RecordBatch) -> Iterator[pa.RecordBatch]:
    for start in range(0, batch.num_rows, SLICE_ROWS):
        yield batch.slice(start, SLICE_ROWS)


async def json_array(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """A JSON array of objects, as `odm.streaming.json_array` writes it."""
    separator = b"["
    async for batch in batches:
        for piece in _slices(batch):
            yield separator + object_rows(piece, ",")[:-1]
            separator = b","
    yield b"[]" if separator == b"[" else b"]"


async def ndjson(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """One JSON object per line, as `odm.streaming.ndjson` writes it."""
    async for batch in batches:
        for piece in _slices(batch):
            yield object_rows(piece, "\n")


async def csv_records(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """CSV with a header row, as `odm.streaming.csv_rows` writes rows of numbers and dates."""
    header = False
    async for batch in batches:
        if not header:
            yield (",".join(batch.schema.names) + "\r\n").encode()
            header = True
        for piece in _slices(batch):
            yield csv_rows(piece)

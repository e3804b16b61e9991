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

from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

# Doubles whose `repr` is in exponent form (CSV writes those with `repr`).
_PLAIN_LOW, _PLAIN_HIGH = 1e-4, 1e16


def supported(schema: pa.Schema) -> bool:
    """Whether every column is one this module writes (integers, doubles and dates)."""
    return all(_kind(field.type) is not None for field in schema)


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
    split = pc.split_pattern(pa.array([texts.decode("ascii")]), ",")
    values = split.flatten()
    if len(values) != count:
        raise ValueError(f"{count} values were written as {len(values)}")
    return values


def _float_json(array: pa.Array) -> pa.Array:
    """Each double as orjson writes it; null (and NaN or infinity, as orjson does) `null`."""
    values = array.to_numpy(zero_copy_only=False)
    return _strings(orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1], len(array))


def _float_csv(array: pa.Array) -> pa.Array:
    """Each double as Python's csv module writes it (`repr`); null an empty field."""
    texts = _float_json(array)
    values = array.fill_null(0.0).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        magnitude = np.abs(values)
        odd = ~np.isfinite(values) | ((magnitude < _PLAIN_LOW) & (values != 0))
        odd |= magnitude >= _PLAIN_HIGH
    odd &= ~array.is_null().to_numpy(zero_copy_only=False)
    if odd.any():
        texts = texts.to_pylist()
        for i in np.flatnonzero(odd):
            texts[i] = repr(float(values[i]))
        texts = pa.array(texts, pa.string())
    return pc.if_else(array.is_null(), "", texts)


def _text(array: pa.Array, csv: bool) -> pa.Array:
    """A column's value texts for JSON (`csv` False) or CSV."""
    kind = _kind(array.type)
    null = "" if csv else "null"
    if kind == "float":
        return _float_csv(array) if csv else _float_json(array)
    texts = array.cast(pa.string())
    if kind == "date" and not csv:
        texts = pc.binary_join_element_wise('"', texts, '"', "")
    return pc.fill_null(texts, null)


def _joined(parts: list[Any]) -> bytes:
    """The bytes of every row's text, rows one after the other."""
    rows = pc.binary_join_element_wise(*parts, "")
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


BatchWriter = Callable[[AsyncIterable[pa.RecordBatch]], AsyncIterator[bytes]]


async def json_array(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """A JSON array of objects, as `odm.streaming.json_array` writes it."""
    separator = b"["
    async for batch in batches:
        if batch.num_rows:
            yield separator + object_rows(batch, ",")[:-1]
            separator = b","
    yield b"[]" if separator == b"[" else b"]"


async def ndjson(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """One JSON object per line, as `odm.streaming.ndjson` writes it."""
    async for batch in batches:
        if batch.num_rows:
            yield object_rows(batch, "\n")


async def csv_records(batches: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """CSV with a header row, as `odm.streaming.csv_rows` writes rows of numbers and dates."""
    header = False
    async for batch in batches:
        if not header:
            yield (",".join(batch.schema.names) + "\r\n").encode()
            header = True
        if batch.num_rows:
            yield csv_rows(batch)

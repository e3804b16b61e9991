"""Writers that turn row batches into an Arrow IPC stream or a Parquet file, chunk by chunk.

The Arrow types come from the response model (`odm.models.field_kinds`), so an empty list,
a column that is null throughout a batch, and every page of a list have the same schema.
The Arrow stream sends one record batch per row batch. Parquet collects batches into row
groups of `PARQUET_ROW_GROUP_ROWS` and writes each when it fills; its footer (which a reader
needs to seek to) goes out last, so the file streams like the other formats.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from array import array
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow as pa

from odm.db.base import Batch

Kinds = Mapping[str, type]

ARROW_TYPES: dict[type, pa.DataType] = {
    int: pa.int64(),
    float: pa.float64(),
    str: pa.string(),
    bool: pa.bool_(),
    dt.date: pa.date32(),
}
# Rows per Parquet row group: the writer holds a whole row group encoded before it writes
# it. Groups of 16,384 daily rows (a columnar batch) and no dictionary pages keep a server
# streaming 1M rows about 40 MB lower than 65,536 rows with dictionaries (measured), for a
# file 2% larger.
PARQUET_ROW_GROUP_ROWS = 16_384
# What `pyarrow.parquet.ParquetWriter` gives its writer by default (pyarrow 26.0), except the
# dictionaries; tests/test_columnar_formats.py checks that both write the same bytes.
PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "snappy",
    "use_dictionary": False,
    "write_statistics": True,
    "use_byte_stream_split": False,
    "writer_engine_version": "V2",
    "data_page_version": "1.0",
    "use_compliant_nested_type": True,
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": False,
    "store_decimal_as_integer": False,
    "write_time_adjusted_to_utc": False,
    "use_content_defined_chunking": False,
}


def arrow_schema(columns: Sequence[str], kinds: Kinds) -> pa.Schema:
    """The Arrow schema of rows with these columns (a column of no known kind is text)."""
    return pa.schema(
        [(name, ARROW_TYPES.get(kinds.get(name, str), pa.string())) for name in columns]
    )


def _array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """One column of values as an Arrow array of the kind (SQLite gives dates as ISO text
    and truth values as 0 and 1), built from buffers: `pa.array` would import pandas where
    it is installed (see the end of this module), and is slower for numbers and days."""
    try:
        return _filled(values, kind)
    except (TypeError, AttributeError):  # a null (None) among the values
        pass
    if values.count(None) == len(values):  # a column of nulls (None is found by identity)
        return pa.nulls(len(values), kind)
    nulls = np.fromiter(map(operator.is_, values, repeat(None)), dtype=bool, count=len(values))
    fill = _FILL[kind] if kind != pa.date32() or _texts(values) else dt.date(1970, 1, 1)
    array = _filled([fill if v is None else v for v in values], kind)
    validity = pa.py_buffer(np.packbits(~nulls, bitorder="little"))
    return pa.Array.from_buffers(
        kind, len(values), [validity, *array.buffers()[1:]], null_count=int(nulls.sum())
    )


# What stands in for a null under the validity bitmap, by kind.
_FILL: dict[pa.DataType, Any] = {
    pa.int64(): 0,
    pa.float64(): 0.0,
    pa.bool_(): 0,
    pa.string(): "",
    pa.date32(): "1970-01-01",
}
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _texts(values: Sequence[Any]) -> bool:
    """Whether a column's values are text (SQLite's days), judged by its first non-null."""
    return isinstance(next((v for v in values if v is not None), ""), str)


def _filled(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """Values without a null as an array of the kind; TypeError at the first null."""
    count = len(values)
    if kind == pa.float64():
        return pa.Array.from_buffers(kind, count, [None, pa.py_buffer(array("d", values))])
    if kind == pa.int64():
        return int_array(values)  # as pa.array takes them: 5.0 or Decimal(5) is 5
    if kind == pa.bool_():
        if any(v is None for v in values):
            raise TypeError("a null among truth values")
        truths = array("b", map(bool, values))
        return pa.Array.from_buffers(pa.int8(), count, [None, pa.py_buffer(truths)]).cast(kind)
    if kind == pa.date32() and not _texts(values):
        days = np.fromiter((v.toordinal() for v in values), dtype=np.int32, count=count)
        return pa.Array.from_buffers(kind, count, [None, pa.py_buffer(days - _EPOCH_ORDINAL)])
    strings = text_array(values)
    return strings.cast(kind) if kind == pa.date32() else strings


def record_batch(batch: Batch, schema: pa.Schema) -> pa.RecordBatch:
    """A row batch as an Arrow record batch of the schema."""
    columns = list(zip(*batch.rows, strict=True)) if batch.rows else [()] * len(schema)
    arrays = [_array(values, field.type) for values, field in zip(columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class ChunkSink:
    """A write-only file for Arrow's writers that keeps what they wrote until `drain`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0
        self.closed = False

    def write(self, data: Any) -> int:
        """Keep the bytes written."""
        part = bytes(data)
        self._parts.append(part)
        self._position += len(part)
        return len(part)

    def tell(self) -> int:
        """Bytes written so far (Parquet records row group offsets)."""
        return self._position

    def flush(self) -> None:
        """Nothing to flush: the response sends what `drain` returns."""

    def close(self) -> None:
        """Mark the sink closed (the writers close their sink when they finish)."""
        self.closed = True

    def drain(self) -> bytes:
        """The bytes written since the last drain."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


async def _record_batches(
    batches: AsyncIterable[Batch], kinds: Kinds
) -> AsyncIterator[pa.RecordBatch]:
    schema = None
    async for batch in batches:
        if schema is None:
            schema = arrow_schema(batch.columns, kinds)
        yield record_batch(batch, schema)


async def ipc_stream(tables: AsyncIterable[pa.RecordBatch]) -> AsyncIterator[bytes]:
    """An Arrow IPC stream of record batches of one schema (the first batch's): the schema,
    each batch as it comes (an empty one only when it is the first), then the end."""
    sink = ChunkSink()
    writer = None
    async for table in tables:
        if writer is None:
            writer = pa.ipc.new_stream(sink, table.schema)
        if table.num_rows or not sink.tell():
            writer.write_batch(table)
        if chunk := sink.drain():
            yield chunk
    if writer is not None:
        writer.close()
    if chunk := sink.drain():
        yield chunk


async def parquet_stream(
    tables: AsyncIterable[pa.RecordBatch], row_group_rows: int = PARQUET_ROW_GROUP_ROWS
) -> AsyncIterator[bytes]:
    """A Parquet file of record batches of one schema: row groups written as they fill,
    the footer last."""
    # The writer `pyarrow.parquet.ParquetWriter` wraps, given a file object as that does:
    # the public module also imports pyarrow's filesystems (S3's library among them), for
    # files ODM never opens: a server streaming 10M rows as Parquet peaked at 152 MB with
    # them, 148 MB without. Loaded by the first Parquet answer.
    from pyarrow._parquet import ParquetWriter

    sink = ChunkSink()
    writer = None
    pending: list[pa.RecordBatch] = []
    async for table in tables:
        if writer is None:
            writer = ParquetWriter(sink, table.schema, **PARQUET_OPTIONS)
        pending.append(table)
        if sum(b.num_rows for b in pending) >= row_group_rows:
            writer.write_table(pa.Table.from_batches(pending))
            pending.clear()
            yield sink.drain()
    if writer is not None:
        if any(b.num_rows for b in pending):
            writer.write_table(pa.Table.from_batches(pending))
        writer.close()
    if chunk := sink.drain():
        yield chunk


async def arrow_stream(batches: AsyncIterable[Batch], kinds: Kinds) -> AsyncIterator[bytes]:
    """Row batches as an Arrow IPC stream."""
    async for chunk in ipc_stream(_record_batches(batches, kinds)):
        yield chunk


async def parquet_file(
    batches: AsyncIterable[Batch], kinds: Kinds, row_group_rows: int = PARQUET_ROW_GROUP_ROWS
) -> AsyncIterator[bytes]:
    """Row batches as a Parquet file."""
    async for chunk in parquet_stream(_record_batches(batches, kinds), row_group_rows):
        yield chunk


# Arrow values built from buffers. `pa.array`, `pa.scalar`, `to_numpy` and Python values in
# compute calls make pyarrow import pandas where it is installed (about 50 MB a process):
# the columnar path never calls them.


@functools.cache
def text_scalar(text: str) -> pa.Scalar:
    """A string scalar, from a one-value array."""
    data = text.encode()
    offsets = np.array([0, len(data)], dtype=np.int32)
    return pa.StringArray.from_buffers(1, pa.py_buffer(offsets), pa.py_buffer(data))[0]


@functools.cache
def double_scalar(value: float) -> pa.Scalar:
    """A float64 scalar, from a one-value array."""
    values = np.array([value], dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), 1, [None, pa.py_buffer(values)])[0]


@functools.cache
def int_scalar(value: int) -> pa.Scalar:
    """An int64 scalar, from a one-value array."""
    return int_array([value])[0]


def int_array(values: Sequence[int] | range) -> pa.Array:
    """An int64 array of Python integers (a range without making them)."""
    if isinstance(values, range):
        data = np.arange(values.start, values.stop, values.step, dtype=np.int64)
    else:
        data = np.array(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def text_array(texts: Sequence[str]) -> pa.Array:
    """A string array of Python strings (TypeError at a None)."""
    joined = "".join(texts)
    if joined.isascii():  # one byte a character: the lengths are the texts' own
        lengths = np.fromiter(map(len, texts), dtype=np.int32, count=len(texts))
    else:
        lengths = np.fromiter((len(t.encode()) for t in texts), dtype=np.int32, count=len(texts))
    offsets = np.zeros(len(texts) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(
        len(texts), pa.py_buffer(offsets), pa.py_buffer(joined.encode())
    )


def valid(array: pa.Array) -> Any:
    """Which values of an array are not null, as a NumPy bool array."""
    bitmap = array.buffers()[0]
    if bitmap is None or not array.null_count:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def doubles(array: pa.Array) -> Any:
    """A float64 array's values as NumPy doubles, NaN where null."""
    values = np.frombuffer(array.buffers()[1], dtype=np.float64)
    values = values[array.offset : array.offset + len(array)]
    return np.where(valid(array), values, np.nan) if array.null_count else values

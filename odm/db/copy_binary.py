"""PostgreSQL's binary COPY format written from Arrow columns by NumPy, for staging large
writes: the server reads it in about half the time it takes to parse the same rows as CSV
(1M daily rows into a staging table: 0.85-1.0 s against 1.8-2.4 s, `psql \\copy`).

Every row is the same record of fixed-width fields (a field count, then each field's length
and big-endian value), so a block of rows is one NumPy structured array written column by
column; a null field has the length -1 and no value, its bytes dropped by one mask. Columns
of variable width (text) are not written here: `binary_types` answers None for them, and the
caller sends CSV instead.

The format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags 0, no header extension
TRAILER = b"\xff\xff"  # a field count of -1
# The fixed-width types a staging table has, as PostgreSQL names them (format_type), with
# their big-endian NumPy form, the Arrow type they are written from and its buffer's form.
WIDTHS = {
    "bigint": (">i8", "int64", "<i8"),
    "integer": (">i4", "int64", "<i8"),
    "double precision": (">f8", "double", "<f8"),
    "date": (">i4", "date32[day]", "<i4"),  # days since 1970-01-01
}
# PostgreSQL counts days from 2000-01-01.
EPOCH_SHIFT = 10_957


def binary_types(types: Sequence[str], data: Any) -> tuple[str, ...] | None:
    """The columns' types (PostgreSQL's, in the table's order) when every column of the
    Arrow table can be written here as that type, else None (CSV then)."""
    arrow = [str(field.type) for field in data.schema]
    if len(arrow) != len(types):
        return None
    fits = all(
        kind in WIDTHS and WIDTHS[kind][1] == given
        for kind, given in zip(types, arrow, strict=True)
    )
    narrow = (column for column, kind in zip(data.columns, types, strict=True) if kind == "integer")
    return tuple(types) if fits and all(map(_within_int32, narrow)) else None


def _within_int32(column: Any) -> bool:
    """Whether an int64 column's values fit a 4-byte integer (NumPy would wrap the others,
    where CSV makes the server refuse them)."""
    import pyarrow.compute as pc

    extremes = pc.min_max(column)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    return low is None or (low >= -(2**31) and high <= 2**31 - 1)


def copy_binary(data: Any, types: Sequence[str]) -> bytes:
    """An Arrow table (int64, float64 and date32 columns, in the staging table's order) as a
    whole binary COPY stream, header and trailer included. `types`: each column's type as
    `binary_types` answered them."""
    rows = int(data.num_rows)
    arrays = [c.combine_chunks() if hasattr(c, "combine_chunks") else c for c in data.columns]
    # A column of nulls only has no value in any record: its field is a length of -1 alone.
    empty = [array.null_count == rows for array in arrays]
    layout = [("count", ">i2")]
    for n, kind in enumerate(types):
        layout += [(f"length{n}", ">i4")] + ([] if empty[n] else [(f"value{n}", WIDTHS[kind][0])])
    record = np.empty(rows, dtype=np.dtype(layout))  # packed: no padding between fields
    record["count"] = len(types)
    keep: np.ndarray[Any, Any] | None = None  # which bytes of each record are sent
    for n, (array, kind) in enumerate(zip(arrays, types, strict=True)):
        if empty[n]:
            record[f"length{n}"] = -1
            continue
        width = np.dtype(WIDTHS[kind][0]).itemsize
        values = _values(array, WIDTHS[kind][2], rows)
        record[f"value{n}"] = values - EPOCH_SHIFT if kind == "date" else values
        record[f"length{n}"] = width
        if array.null_count:
            nulls = array.is_null().to_numpy(zero_copy_only=False)
            record[f"length{n}"][nulls] = -1
            if keep is None:
                keep = np.ones((rows, record.dtype.itemsize), dtype=bool)
            start = record.dtype.fields[f"value{n}"][1]  # type: ignore[index]
            keep[nulls, start : start + width] = False
    raw = record.view(np.uint8).reshape(rows, record.dtype.itemsize)
    body = raw[keep] if keep is not None else raw
    return HEADER + body.tobytes() + TRAILER


def _values(array: Any, dtype: str, rows: int) -> np.ndarray[Any, Any]:
    """The array's values buffer as NumPy numbers (whatever a null's slot holds: its bytes
    are not sent), without a copy."""
    buffer = array.buffers()[1]
    return np.frombuffer(buffer, dtype=dtype, count=array.offset + rows)[array.offset :]

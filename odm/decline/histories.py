"""Streamed rows into histories, one entity at a time: the rows of a query ordered by
entity are grouped as they arrive, so memory holds one entity's rows (plus one batch),
whatever the size of the database. Columns are found by name."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from itertools import groupby
from typing import Any

import numpy as np

from odm.db.base import Batch, Row
from odm.decline.series import History
from odm.rows import getter, positions

Group = tuple[tuple[Any, ...], list[Row], tuple[str, ...]]


async def grouped(batches: AsyncIterator[Batch], key: Sequence[str]) -> AsyncGenerator[Group]:
    """(key values, rows, column names) of each run of rows with the same key."""
    pending: list[Row] = []
    pending_key: tuple[Any, ...] | None = None
    columns: tuple[str, ...] = ()
    async for batch in batches:
        columns = tuple(name.lower() for name in batch.columns)
        for value, rows in groupby(batch.rows, key=getter(columns, *key)):
            if value != pending_key and pending:
                yield pending_key or (), pending, columns
                pending = []
            pending_key = value
            pending.extend(rows)
    if pending:
        yield pending_key or (), pending, columns


def _column(rows: list[Row], index: int) -> np.ndarray:
    """One column as floats (NULL is NaN)."""
    return np.array([row[index] for row in rows], dtype=np.float64)


def _days(rows: list[Row], index: int, unit: str) -> np.ndarray:
    """A date column as day numbers (ISO text or dates), truncated to `unit` (D or M)."""
    dates = np.array([str(row[index])[:10] for row in rows], dtype="datetime64[D]")
    return dates.astype(f"datetime64[{unit}]")


def daily_history(rows: list[Row], columns: tuple[str, ...], phase: str) -> History:
    """A well's daily history (rows with production_date, hours_on and the phase)."""
    day, hours, volume = positions(columns, ("production_date", "hours_on", phase))
    start = _days(rows, day, "D").astype(np.float64)
    ones = np.ones_like(start)
    return History("day", start, ones, _column(rows, hours) / 24.0, _column(rows, volume))


def monthly_history(rows: list[Row], columns: tuple[str, ...], phase: str) -> History:
    """An entity's monthly history (rows with month, days_on and the phase)."""
    month, days_on, volume = positions(columns, ("month", "days_on", phase))
    months = _days(rows, month, "M")
    first = months.astype("datetime64[D]").astype(np.float64)
    following = (months + 1).astype("datetime64[D]").astype(np.float64)
    return History("month", first, following - first, _column(rows, days_on), _column(rows, volume))

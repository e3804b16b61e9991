"""Type curves: wells aligned on their first production, normalized, with P10/P50/P90.

Each well's history is cut into production months of 30.4375 days (a year / 12) counted
from its first day with a usable rate; a month's rate is its volume over its producing days
(or its calendar days), on the same rules as a fit (`series.rates`), and only months the
history covers entirely count. With `normalize="peak"` each well's rates are divided by its
highest monthly rate, so wells of every size share one dimensionless curve. P10 is the
optimistic profile (exceeded by 10 % of the wells, the 90th percentile), P90 the
conservative one, as reserves engineers use them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from odm.decline import DAYS_PER_YEAR
from odm.decline.series import Basis, History, rates

MONTH_DAYS = DAYS_PER_YEAR / 12.0
Normalize = Literal["peak", "none"]


def aligned_months(history: History, basis: Basis) -> list[float]:
    """A well's monthly rates from its first usable rate, one per complete month."""
    usable = rates(history, basis)
    if not len(usable.rate):
        return []
    first = float(usable.start[0])
    months = int((history.end - first) // MONTH_DAYS)
    index = ((usable.start - first) // MONTH_DAYS).astype(np.int64)
    inside = index < months
    weights = _days(history, basis, usable.start)
    volume = np.bincount(index[inside], usable.rate[inside] * weights[inside], months)
    days = np.bincount(index[inside], weights[inside], months)
    if basis == "calendar":
        days = np.full(months, MONTH_DAYS)
    with np.errstate(invalid="ignore", divide="ignore"):
        monthly = np.where(days > 0, volume / days, np.nan)
    return [float(v) for v in monthly]


def _days(history: History, basis: Basis, starts: np.ndarray) -> np.ndarray:
    """The days each usable period's rate stands for (producing or calendar)."""
    where = np.searchsorted(history.start, starts)
    length = history.length[where]
    if basis == "calendar":
        return np.asarray(length)
    on_days = history.on_days[where]
    return np.asarray(np.where(np.isnan(on_days) | (on_days <= 0), length, on_days))


@dataclass
class TypeCurve:
    """Monthly rates of many wells, aligned on first production, gathered one well at a time
    (memory grows with wells × months, never with days)."""

    normalize: Normalize
    months: defaultdict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    wells: int = 0

    def add(self, monthly: list[float]) -> None:
        """Add one well's aligned monthly rates."""
        values = np.asarray(monthly, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if not len(finite) or finite.max() <= 0:
            return
        if self.normalize == "peak":
            values = values / finite.max()
        self.wells += 1
        for month, value in enumerate(values):
            if np.isfinite(value):
                self.months[month].append(float(value))

    def profile(self) -> list[tuple[int, int, float, float, float, float]]:
        """Per month since first production: (month, wells, P10, P50, P90, mean)."""
        rows = []
        for month in sorted(self.months):
            values = np.asarray(self.months[month])
            p90, p50, p10 = np.percentile(values, [10.0, 50.0, 90.0])
            rows.append(
                (month + 1, len(values), float(p10), float(p50), float(p90), float(values.mean()))
            )
        return rows

"""Engineering figures from summed volumes: rates, uptime, GOR, water cut, BOE.

Every function takes field units (bbl, Mcf, hours) and returns None where the figure is
undefined (a ratio over zero), never infinity or a division error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

DEFAULT_BOE_GAS_MCF = 6.0  # Mcf of gas per barrel of oil equivalent (6:1)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    return numerator / denominator if denominator else None


def per_calendar_day(volume: float, days: int) -> float | None:
    """Rate per calendar day: volume / days."""
    return ratio(volume, days)


def per_producing_day(volume: float, hours_on: float) -> float | None:
    """Rate per producing day: volume / (hours on / 24)."""
    return ratio(volume * 24.0, hours_on)


def uptime(hours_on: float, measured_days: int) -> float | None:
    """Hours on as a fraction of the hours of the days whose hours were recorded (a day
    whose hours meter failed is unknown, not downtime)."""
    return ratio(hours_on, measured_days * 24.0)


def gor(gas_mcf: float, oil_bbl: float) -> float | None:
    """Gas-oil ratio, scf/bbl."""
    return ratio(gas_mcf * 1000.0, oil_bbl)


def water_cut(water: float, oil: float) -> float | None:
    """Water / (oil + water), a fraction."""
    return ratio(water, oil + water)


def boe(oil_bbl: float, gas_mcf: float, gas_per_boe: float = DEFAULT_BOE_GAS_MCF) -> float:
    """Barrels of oil equivalent: oil + gas / factor (6 Mcf per boe by default)."""
    return oil_bbl + gas_mcf / gas_per_boe


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a `YYYY` or `YYYY-MM` period."""
    year = int(period[:4])
    if len(period) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(period[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def calendar_days(period: str, start: dt.date | None, end: dt.date | None) -> int:
    """Days of the period inside the asked range [start, end]."""
    first, last = period_bounds(period)
    first, last = max(first, start or first), min(last, end or last)
    return max(0, (last - first).days + 1)


def rounded(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sums and ratios rounded to 4 decimals: the same digits on every backend."""
    return tuple(round(v, 4) if isinstance(v, float) else v for v in row)


def exact_sums(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sums rounded to 6 decimals before figures are derived from them.

    Backends add floats in different orders, so sums may differ in the last bits; rounded
    first, they are equal, and so is every ratio computed from them.
    """
    return tuple(round(v, 6) if isinstance(v, float) else v for v in row)

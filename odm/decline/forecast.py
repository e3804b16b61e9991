"""Forecasts from a fitted curve: monthly volumes to an economic limit or a horizon, the
remaining reserves and the EUR (estimated ultimate recovery = produced to date + remaining).

The forecast starts the day after the last period of history and follows the fitted curve
(not the last measured rate): it ends when the curve's rate falls to the economic limit, or
at the horizon, whichever comes first. On the producing-day basis the curve is a rate per
producing day, so its volumes assume the well produces every day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from odm.decline import DAYS_PER_YEAR
from odm.decline.models import Curve
from odm.decline.series import day_number, to_date


@dataclass(frozen=True)
class Outlook:
    """What a curve leaves to produce after the history: times in days since 1970-01-01."""

    origin: float  # the decline start (t = 0 of the curve)
    first: float  # the forecast's first day: the day after the last period of history
    end: float  # when the forecast stops (economic limit or horizon)
    produced: float
    remaining: float
    rate_at_end_of_history: float
    limit_reached: bool

    @property
    def eur(self) -> float:
        """Estimated ultimate recovery: produced to date + remaining."""
        return self.produced + self.remaining


def outlook(
    curve: Curve,
    origin: float,
    first: float,
    produced: float,
    economic_limit: float,
    horizon_years: float,
) -> Outlook:
    """The remaining volume of a curve from `first` to the economic limit or the horizon."""
    t_first = first - origin
    q_first = float(curve.rate(np.array([t_first]))[0])
    horizon_end = t_first + horizon_years * DAYS_PER_YEAR
    t_limit = curve.time_to_rate(economic_limit) if economic_limit > 0 else math.inf
    t_end = max(t_first, min(t_limit, horizon_end))
    cumulative = curve.cumulative(np.array([t_first, t_end]))
    remaining = max(float(cumulative[1] - cumulative[0]), 0.0)
    return Outlook(
        origin, first, origin + t_end, produced, remaining, q_first, t_limit <= horizon_end
    )


@dataclass(frozen=True)
class ForecastMonth:
    """One calendar month of a forecast: its first day, the days forecast in it, the mean
    rate, the volume and the cumulative volume (produced to date included) at its end."""

    month: dt.date
    days: float
    rate: float
    volume: float
    cumulative: float


def _month_starts(first: float, end: float) -> Iterator[tuple[dt.date, float, float]]:
    """(month, first day, end day) of each calendar month between two day numbers."""
    day = to_date(first)
    month = day.replace(day=1)
    while day_number(month) < end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        yield month, max(day_number(month), first), min(day_number(following), end)
        month = following


def monthly(curve: Curve, view: Outlook) -> Iterator[ForecastMonth]:
    """The forecast of an outlook, month by month."""
    total = view.produced
    for month, start, stop in _month_starts(view.first, view.end):
        volumes = curve.cumulative(np.array([start - view.origin, stop - view.origin]))
        volume = float(volumes[1] - volumes[0])
        total += volume
        days = stop - start
        yield ForecastMonth(month, days, volume / days if days > 0 else 0.0, volume, total)

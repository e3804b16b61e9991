"""From stored production to the rates a decline is fitted on, by a documented rule.

A history holds one entity's periods (days, or months as reported) for one phase. Its
rates are per producing day (volume / producing days) or per calendar day (volume / days
in the period). Left out, and counted as excluded:

- periods whose volume is missing, zero or negative (shut in, or a meter correction);
- downtime: a day with 0 hours on (either basis), or, per producing day, a day with fewer
  than `MIN_HOURS` hours on or unknown hours (a rate scaled up from a few minutes is noise);
  a month that reports 0 producing days.

A month that does not report its producing days (the NPD's fields) is rated per calendar
day on either basis. Outliers are removed later, against the fitted curve (see `fit`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from odm.decline.models import Array

Basis = Literal["producing", "calendar"]
Grain = Literal["day", "month"]
EPOCH = dt.date(1970, 1, 1)
MIN_HOURS = 2.0
# Rolling-median windows that find the peak without chasing one noisy period.
PEAK_WINDOW = {"day": 7, "month": 3}
# The least history a fit needs after the decline start: rate points and days spanned.
MIN_POINTS = {"day": 30, "month": 6}
MIN_SPAN_DAYS = {"day": 60.0, "month": 150.0}


@dataclass(frozen=True)
class History:
    """One entity's periods for one phase, in time order.

    `start` is each period's first day (days since 1970-01-01), `length` its calendar days,
    `on_days` its producing days (hours on / 24 for a day; NaN when unknown) and `volume`
    the phase's volume (NaN when not measured).
    """

    grain: Grain
    start: Array
    length: Array
    on_days: Array
    volume: Array

    @property
    def produced(self) -> float:
        """Volume produced to date (missing values count as 0; corrections are kept)."""
        return float(np.nansum(self.volume))

    @property
    def end(self) -> float:
        """The day after the last period (days since 1970-01-01); NaN without periods."""
        return float(self.start[-1] + self.length[-1]) if len(self.start) else float("nan")


@dataclass(frozen=True)
class Rates:
    """The rates a history yields: each point's period start and mid-time (days since
    1970-01-01) and rate per day, and how many periods were left out."""

    start: Array
    time: Array
    rate: Array
    excluded: int


def rates(history: History, basis: Basis) -> Rates:
    """The history's usable rates on a basis, by the rule in this module's docstring."""
    volume, on_days, length = history.volume, history.on_days, history.length
    known_on = ~np.isnan(on_days)
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = (volume > 0) & ~(known_on & (on_days <= 0))
        if history.grain == "day" and basis == "producing":
            usable &= known_on & (on_days * 24.0 >= MIN_HOURS)
        days = length.copy()
        if basis == "producing":
            days = np.where(known_on & (on_days > 0), on_days, length)
        rate = volume / days
    usable &= np.isfinite(rate)
    start = history.start[usable]
    return Rates(start, start + length[usable] / 2.0, rate[usable], int((~usable).sum()))


def peak_index(rates_: Rates, grain: Grain) -> int:
    """Where the decline starts when none is given: the highest rate inside the window of
    `PEAK_WINDOW` points whose median is highest, so that one noisy period is not taken
    for a peak."""
    window = PEAK_WINDOW[grain]
    if len(rates_.rate) < window:
        return int(np.argmax(rates_.rate)) if len(rates_.rate) else 0
    smooth = np.median(sliding_window_view(rates_.rate, window), axis=1)
    first = int(np.argmax(smooth))
    return first + int(np.argmax(rates_.rate[first : first + window]))


def start_index(rates_: Rates, grain: Grain, start: dt.date | None) -> int:
    """The first rate point of the decline: the given day's (or the first after), or the
    peak."""
    if start is None:
        return peak_index(rates_, grain)
    return int(np.searchsorted(rates_.start, float((start - EPOCH).days)))


def enough(rates_: Rates, first: int, grain: Grain) -> bool:
    """Whether the points from `first` on are enough history to fit a decline."""
    count = len(rates_.rate) - first
    if count < MIN_POINTS[grain]:
        return False
    return float(rates_.time[-1] - rates_.time[first]) >= MIN_SPAN_DAYS[grain]


def day_number(day: dt.date) -> float:
    """Days since 1970-01-01."""
    return float((day - EPOCH).days)


def to_date(day: float) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))

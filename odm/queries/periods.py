"""How a span of days is read from the monthly aggregates: whole years, whole months, and the
days of the months it cuts through (read from the daily rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from odm.queries.lists import Span

# First and last (both included) of some periods, each a period's first day; None is open.
Range = tuple[dt.date | None, dt.date | None]
EVERYTHING: Range = (None, None)


def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after the day's."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return next_month(day) - dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before the day's."""
    return month_start(month_start(day) - dt.timedelta(days=1))


@dataclass(frozen=True)
class Cover:
    """The periods that make up a span: whole years (first days of years), whole months not in
    those years (first days of months), and the days of the months the span cuts through."""

    years: tuple[Range, ...] = ()
    months: tuple[Range, ...] = ()
    days: tuple[Range, ...] = ()


def cover(span: Span, whole_years: bool = False) -> Cover:
    """The whole months (and, if asked, years) inside a span, and its days in other months.

    A span whose end is before its start covers nothing (as SQL's BETWEEN would).
    """
    start, end = span.start, span.end
    if start is not None and end is not None and end < start:
        return Cover()
    days = _cut_days(start, end)
    first = None if start is None else start if start.day == 1 else next_month(start)
    last = None if end is None else month_start(end)
    if end is not None and end != month_end(end):
        last = previous_month(end)
    if first is not None and last is not None and first > last:
        return Cover(days=days)
    if not whole_years:
        return Cover(months=((first, last),), days=days)
    return _with_years(first, last, days)


def _cut_days(start: dt.date | None, end: dt.date | None) -> tuple[Range, ...]:
    """The days of the (at most two) months that the span's start or end cuts through."""
    days: list[Range] = []
    if start is not None and start.day != 1:
        days.append((start, month_end(start) if end is None else min(end, month_end(start))))
    if end is not None and end != month_end(end):
        tail = (month_start(end) if start is None else max(start, month_start(end)), end)
        if tail not in days:
            days.append(tail)
    return tuple(days)


def _with_years(first: dt.date | None, last: dt.date | None, days: tuple[Range, ...]) -> Cover:
    """Whole months from `first` to `last` as whole years and the months around them."""
    year_first = first if first is None or first.month == 1 else dt.date(first.year + 1, 1, 1)
    year_last = None if last is None else dt.date(last.year - (last.month != 12), 1, 1)
    if year_first is not None and year_last is not None and year_first > year_last:
        return Cover(months=((first, last),), days=days)
    months: list[Range] = []
    if first is not None and year_first is not None and first < year_first:
        months.append((first, dt.date(first.year, 12, 1)))
    if last is not None and last.month != 12:
        months.append((dt.date(last.year, 1, 1), last))
    return Cover(years=((year_first, year_last),), months=tuple(months), days=days)


def condition(column: str, ranges: Sequence[Range], prefix: str) -> tuple[str, dict[str, Any]]:
    """The SQL condition of `column` being in any of the ranges (false for none), with its
    parameters named after `prefix`."""
    if not ranges:
        return "1 = 0", {}
    terms, params = [], {}
    for i, (low, high) in enumerate(ranges):
        bounds = []
        if low is not None:
            params[f"{prefix}_{i}_from"] = low
            bounds.append(f"{column} >= :{prefix}_{i}_from")
        if high is not None:
            params[f"{prefix}_{i}_to"] = high
            bounds.append(f"{column} <= :{prefix}_{i}_to")
        terms.append(" AND ".join(bounds) or "1 = 1")
    if len(terms) == 1:
        return terms[0], params
    return "(" + " OR ".join(f"({term})" for term in terms) + ")", params

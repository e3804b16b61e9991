"""A span of days splits into whole years, whole months and cut days that cover each of its
days exactly once."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from odm.queries.lists import Span
from odm.queries.periods import Cover, Range, condition, cover

D = dt.date
FIRST, LAST = D(2021, 1, 1), D(2026, 12, 31)  # the calendar the property test looks at


def _days(low: D, high: D) -> list[D]:
    return [low + dt.timedelta(days=i) for i in range((high - low).days + 1)]


def _inside(ranges: tuple[Range, ...], key: D) -> int:
    """How many of the ranges hold `key` (a day's year, month or the day itself)."""
    return sum((lo is None or lo <= key) and (hi is None or key <= hi) for lo, hi in ranges)


def _times_covered(day: D, c: Cover) -> int:
    return (
        _inside(c.years, D(day.year, 1, 1))
        + _inside(c.months, day.replace(day=1))
        + _inside(c.days, day)
    )


def test_a_year_of_whole_months_is_a_whole_year() -> None:
    span = Span(D(2025, 1, 1), D(2025, 12, 31))
    assert cover(span, whole_years=True) == Cover(years=((D(2025, 1, 1), D(2025, 1, 1)),))
    assert cover(span) == Cover(months=((D(2025, 1, 1), D(2025, 12, 1)),))


def test_cut_months_are_read_as_days() -> None:
    c = cover(Span(D(2025, 1, 15), D(2026, 3, 10)), whole_years=True)
    assert c.days == ((D(2025, 1, 15), D(2025, 1, 31)), (D(2026, 3, 1), D(2026, 3, 10)))
    assert c.months == ((D(2025, 2, 1), D(2026, 2, 1)),)  # no whole year between them
    assert c.years == ()


def test_whole_years_with_months_around_them() -> None:
    c = cover(Span(D(2024, 11, 1), D(2026, 2, 28)), whole_years=True)
    assert c.years == ((D(2025, 1, 1), D(2025, 1, 1)),)
    assert c.months == ((D(2024, 11, 1), D(2024, 12, 1)), (D(2026, 1, 1), D(2026, 2, 1)))
    assert c.days == ()


def test_open_spans_and_a_day_inside_one_month() -> None:
    assert cover(Span(), whole_years=True) == Cover(years=((None, None),))
    assert cover(Span()) == Cover(months=((None, None),))
    assert cover(Span(D(2025, 3, 5), D(2025, 3, 5))) == Cover(days=((D(2025, 3, 5),) * 2,))
    as_of = cover(Span(None, D(2026, 10, 31)), whole_years=True)
    assert as_of.years == ((None, D(2025, 1, 1)),)
    assert as_of.months == ((D(2026, 1, 1), D(2026, 10, 1)),)


def test_a_span_that_ends_before_it_starts_covers_nothing() -> None:
    assert cover(Span(D(2025, 3, 5), D(2025, 3, 4)), whole_years=True) == Cover()


@pytest.mark.parametrize("seed", range(200))
def test_every_day_of_a_span_is_covered_once(seed: int) -> None:
    rng = random.Random(seed)
    days = _days(FIRST, LAST)
    start = rng.choice([None, *days[365:-365]])
    end = rng.choice([None, *days[365:-365]])
    for whole_years in (False, True):
        c = cover(Span(start, end), whole_years)
        for day in days:
            wanted = (start is None or start <= day) and (end is None or day <= end)
            assert _times_covered(day, c) == wanted, (start, end, whole_years, day, c)


def test_conditions_of_ranges() -> None:
    assert condition("m.month", (), "x") == ("1 = 0", {})
    assert condition("m.month", ((None, None),), "x") == ("1 = 1", {})
    sql, params = condition("p.day", ((D(2025, 1, 5), D(2025, 1, 31)), (None, D(2024, 1, 1))), "d")
    assert sql == "((p.day >= :d_0_from AND p.day <= :d_0_to) OR (p.day <= :d_1_to))"
    assert params == {"d_0_from": D(2025, 1, 5), "d_0_to": D(2025, 1, 31), "d_1_to": D(2024, 1, 1)}

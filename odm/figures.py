"""Engineering figures from summed volumes: rates, uptime, GOR, water cut, BOE.

Every function takes field units (bbl, Mcf, hours) and returns None where the figure is
undefined (a ratio over zero), never infinity or a division error.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from odm.db.base import Row
from odm.rows import Bound, Columns, Step, getter

DEFAULT_BOE_GAS_MCF = 6.0  # Mcf of gas per barrel of oil equivalent (6:1)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero or so small that the
    quotient is not a finite number (JSON has no infinity)."""
    if not denominator:
        return None
    quotient = numerator / denominator
    return quotient if math.isfinite(quotient) else None


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


def rounded(row: Row) -> Row:
    """Sums and ratios rounded to 4 decimals: the same digits on every backend."""
    return tuple(round(v, 4) if isinstance(v, float) else v for v in row)


def rounded_figures(columns: Columns) -> Bound:
    """The rollup's derived figures (rates, ratios, BOE) rounded to 4 decimals; its sums
    stay as `round_sums` left them (converted, if asked), since every backend already gives
    the same digits there and a metric sum must equal the metric values it adds up."""
    at = frozenset(i for i, name in enumerate(columns) if name in ROLLUP_FIGURES)

    def apply(row: Row) -> Row:
        return tuple(
            round(v, 4) if i in at and isinstance(v, float) else v for i, v in enumerate(row)
        )

    return Bound(columns, apply)


def round_sums(row: Row) -> Row:
    """Sums rounded to 6 decimals before figures are derived from them.

    Backends add floats in different orders, so sums may differ in the last bits; rounded
    first, they are equal, and so is every ratio computed from them.
    """
    return tuple(round(v, 6) if isinstance(v, float) else v for v in row)


ROLLUP_FIGURES = (
    "calendar_days",
    "oil_rate_cd",
    "oil_rate_pd",
    "gas_rate_cd",
    "gas_rate_pd",
    "water_rate_cd",
    "uptime",
    "gor",
    "water_cut",
    "wor",
    "boe",
    "boe_rate_cd",
)


def rollup_figures(start: dt.date | None, end: dt.date | None, gas_per_boe: float) -> Step:
    """Append calendar days, rates, uptime, GOR, water cut, WOR and BOE to summed rows."""

    def bind(columns: Columns) -> Bound:
        get = getter(columns, "period", "measured_days", "hours_on", "oil", "gas", "water")

        def add(row: Row) -> Row:
            period, measured_days, hours, oil, gas, water = get(row)
            days = calendar_days(period, start, end)
            equivalent = boe(oil, gas, gas_per_boe)
            figures = {
                "calendar_days": days,
                "oil_rate_cd": per_calendar_day(oil, days),
                "oil_rate_pd": per_producing_day(oil, hours),
                "gas_rate_cd": per_calendar_day(gas, days),
                "gas_rate_pd": per_producing_day(gas, hours),
                "water_rate_cd": per_calendar_day(water, days),
                "uptime": uptime(hours, measured_days),
                "gor": gor(gas, oil),
                "water_cut": water_cut(water, oil),
                "wor": ratio(water, oil),
                "boe": equivalent,
                "boe_rate_cd": per_calendar_day(equivalent, days),
            }
            return (*row, *(figures[name] for name in ROLLUP_FIGURES))

        return Bound((*columns, *ROLLUP_FIGURES), add)

    return bind


def monthly_boe(gas_per_boe: float) -> Step:
    """Append BOE = oil + condensate + NGL + gas / factor to summed monthly rows."""

    def bind(columns: Columns) -> Bound:
        get = getter(columns, "oil", "condensate", "ngl", "gas")

        def add(row: Row) -> Row:
            oil, condensate, ngl, gas = get(row)
            return (*row, oil + condensate + ngl + gas / gas_per_boe)

        return Bound((*columns, "boe"), add)

    return bind


VARIANCE_FIGURES = (
    "variance",
    "variance_pct",
    "favourable",
    "outlook",
    "outlook_variance",
    "outlook_variance_pct",
    "outlook_favourable",
)


def variance_figures(columns: Columns) -> Bound:
    """Append year to date (or the month's) and full-year outlook variances of spend.

    Spend is favourable when it is at or below budget. The outlook is the actual spend to
    date plus the budget of the months still to come.
    """
    get = getter(columns, "budget", "budget_to_date", "actual_to_date")

    def add(row: Row) -> Row:
        budget, budget_to_date, actual_to_date = get(row)
        variance = actual_to_date - budget_to_date
        outlook = actual_to_date + (budget - budget_to_date)
        outlook_variance = outlook - budget
        figures = {
            "variance": variance,
            "variance_pct": _percent(variance, budget_to_date),
            "favourable": variance <= 0,
            "outlook": outlook,
            "outlook_variance": outlook_variance,
            "outlook_variance_pct": _percent(outlook_variance, budget),
            "outlook_favourable": outlook_variance <= 0,
        }
        return (*row, *(figures[name] for name in VARIANCE_FIGURES))

    return Bound((*columns, *VARIANCE_FIGURES), add)


def _percent(variance: float, budget: float) -> float | None:
    share = ratio(variance, budget)
    return None if share is None else share * 100.0

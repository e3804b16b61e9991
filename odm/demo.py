"""A realistic, reproducible demo data set: divisions, wells with Arps declines, downtime,
gas and water, a daily oil price series, daily sales and monthly budgets.

The seed contract's examples work on it verbatim: well 1851797476 is in division 63.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from odm.db.base import Row, TableRows

SEED_WELL_ID = 1851797476
SEED_DIVISION_ID = 63
DEFAULT_END = dt.date(2026, 10, 31)

# (id, name, lease names used for well names, typical initial oil rate bbl/d)
DIVISIONS: list[tuple[int, str | None, tuple[str, ...], float]] = [
    (10, "Permian Basin", ("Mesa Verde", "Red Draw", "Cotton Flat", "Sand Dune"), 450.0),
    (21, "Eagle Ford", ("Karnes Ranch", "O'Brien", "Live Oak", "Dewitt"), 380.0),
    (42, "Williston Basin", ("Bear Den", "Little Knife", "Antelope"), 520.0),
    (63, "Gulf Coast", ("Eugene Island", "Ship Shoal", "Main Pass"), 1400.0),
]
# A division that has not been named yet: the division list leaves it out.
UNNAMED_DIVISION_ID = 99


@dataclass(frozen=True)
class DemoSpec:
    """The size and randomness of a demo data set."""

    wells: int = 24
    years: int = 3
    seed: int = 42
    end: dt.date = DEFAULT_END


@dataclass(frozen=True)
class Well:
    """One demo well and the parameters of its production curve."""

    well_id: int
    name: str
    division_id: int
    well_type: str
    status: str
    first_day: int  # index into the calendar of the data set
    last_day: int  # last day with a daily row (inclusive)
    shut_in_from: int  # from this day on the well is shut in (0 h, 0 volumes)
    qi: float  # initial rate, bbl/d (oil) or bbl/d (water injected)
    di: float  # nominal initial decline, 1/year
    b: float  # Arps exponent
    gor: float  # initial gas-oil ratio, scf/bbl
    water_cut: float  # initial water cut, fraction
    api_number: str

    def row_count(self) -> int:
        """How many daily rows the well has."""
        return self.last_day - self.first_day + 1


class DemoData:
    """All tables of one demo data set, generated lazily row by row."""

    def __init__(self, spec: DemoSpec) -> None:
        self.spec = spec
        self.start = spec.end - dt.timedelta(days=round(spec.years * 365.25) - 1)
        span = (spec.end - self.start).days + 1
        self.days = [(self.start + dt.timedelta(days=i)).isoformat() for i in range(span)]
        rng = random.Random(spec.seed)
        self.prices = _price_series(rng, span)
        self.wells = _make_wells(rng, spec, span)

    @property
    def daily_row_count(self) -> int:
        """The number of daily production rows the data set holds."""
        return sum(well.row_count() for well in self.wells)

    def tables(self) -> list[TableRows]:
        """The tables in an order that satisfies their foreign keys."""
        return [
            TableRows("odm_division", ("division_id", "division_name"), self.division_rows()),
            TableRows("odm_well", WELL_COLUMNS, [_well_row(w, self.days) for w in self.wells]),
            TableRows(
                "odm_oil_price",
                ("price_date", "price"),
                list(zip(self.days, self.prices, strict=True)),
            ),
            TableRows("odm_daily_production", DAILY_COLUMNS, self.daily_rows(), counted=True),
            TableRows(
                "odm_well_budget", ("well_id", "month", "budget", "actual"), self.budget_rows()
            ),
        ]

    def division_rows(self) -> list[Row]:
        """Every division, including the unnamed one."""
        return [(d[0], d[1]) for d in DIVISIONS] + [(UNNAMED_DIVISION_ID, None)]

    def daily_rows(self) -> Iterator[Row]:
        """Daily rows of every well, by well and date."""
        for well in sorted(self.wells, key=lambda w: w.well_id):
            yield from _well_days(well, self.days, self.prices, self.spec.seed)

    def budget_rows(self) -> Iterator[Row]:
        """Monthly budget and actual spend of every well, from its first month on."""
        for well in self.wells:
            rng = random.Random(self.spec.seed * 7919 + well.well_id)
            for month_start, days_in_month in _months(self.days, well):
                expected = _rate(well, (month_start - well.first_day) / 365.25) * days_in_month
                budget = (
                    round(20_000.0 + 14.0 * expected, -2)
                    if well.well_type == "producer"
                    else 12_000.0
                )
                actual = round(budget * rng.lognormvariate(0.02, 0.12), 2)
                yield (well.well_id, self.days[month_start][:8] + "01", budget, actual)


WELL_COLUMNS = (
    "well_id",
    "well_name",
    "division_id",
    "well_type",
    "status",
    "first_production_date",
    "api_number",
)
DAILY_COLUMNS = (
    "well_id",
    "production_date",
    "hours_on",
    "oil",
    "gas",
    "water",
    "water_injected",
    "oil_sold",
    "sales_value",
)


def _well_row(well: Well, days: list[str]) -> Row:
    return (
        well.well_id,
        well.name,
        well.division_id,
        well.well_type,
        well.status,
        days[well.first_day],
        well.api_number,
    )


def _price_series(rng: random.Random, span: int) -> list[float]:
    """A mean-reverting daily oil price around 70 USD/bbl."""
    prices, price = [], 72.0
    for _ in range(span):
        price *= math.exp(0.018 * rng.gauss(0.0, 1.0) + 0.004 * math.log(70.0 / price))
        prices.append(round(price, 2))
    return prices


def _make_wells(rng: random.Random, spec: DemoSpec, span: int) -> list[Well]:
    ids = {SEED_WELL_ID}
    wells = []
    for n in range(spec.wells):
        division = DIVISIONS[3] if n == 0 else DIVISIONS[n % len(DIVISIONS)]
        well_id = SEED_WELL_ID if n == 0 else _new_id(rng, ids)
        wells.append(_make_well(rng, n, well_id, division, span))
    return wells


def _new_id(rng: random.Random, taken: set[int]) -> int:
    # Ids span 1e9 to 9e9: most need more than 32 bits, as real well ids do.
    while (well_id := rng.randrange(1_000_000_000, 9_000_000_000)) in taken:
        pass
    taken.add(well_id)
    return well_id


def _make_well(
    rng: random.Random,
    n: int,
    well_id: int,
    division: tuple[int, str | None, tuple[str, ...], float],
    span: int,
) -> Well:
    division_id, _name, leases, typical_qi = division
    injector = n % 10 == 9
    first = 0 if n == 0 else rng.randrange(0, max(1, span // 2))
    last, shut_in_from, status = span - 1, span, "producing"
    fate = rng.random()
    if n and fate < 0.06 and span - first > 120:
        last, status = rng.randrange(first + 60, span - 30), "abandoned"
    elif n and fate < 0.12 and span - first > 120:
        shut_in_from, status = span - rng.randrange(20, 90), "shut_in"
    lease = leases[rng.randrange(len(leases))]
    return Well(
        well_id=well_id,
        name=f"{lease} {rng.randrange(1, 40)}-{n + 1}{'WI' if injector else 'H'}",
        division_id=division_id,
        well_type="injector" if injector else "producer",
        status=status,
        first_day=first,
        last_day=last,
        shut_in_from=shut_in_from,
        qi=typical_qi * rng.lognormvariate(0.0, 0.35),
        di=rng.uniform(0.35, 1.1),
        b=rng.uniform(0.3, 1.2),
        gor=rng.uniform(400.0, 2500.0),
        water_cut=rng.uniform(0.05, 0.35),
        api_number=f"{42 if division_id != 63 else 17}{rng.randrange(1, 999):03d}"
        f"{rng.randrange(0, 99999):05d}0000",
    )


def _rate(well: Well, years: float) -> float:
    """Arps hyperbolic rate: q(t) = qi / (1 + b·Di·t)^(1/b)."""
    rate: float = well.qi / (1.0 + well.b * well.di * years) ** (1.0 / well.b)
    return rate


def _well_days(well: Well, days: list[str], prices: list[float], seed: int) -> Iterator[Row]:
    rng = random.Random(seed * 104729 + well.well_id)
    random_ = rng.random
    outage_left = 0
    injector = well.well_type == "injector"
    for i in range(well.first_day, well.last_day + 1):
        years = (i - well.first_day) / 365.25
        if outage_left == 0 and random_() < 0.008:
            outage_left = 1 + int(random_() * 10)  # an unplanned outage of 1 to 10 days
        if outage_left or i >= well.shut_in_from:
            outage_left = max(0, outage_left - 1)
            yield (well.well_id, days[i], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            continue
        hours = 24.0 if random_() > 0.06 else round(4.0 + 19.0 * random_(), 1)
        volume = _rate(well, years) * hours / 24.0 * (0.95 + 0.1 * random_())
        if injector:
            yield (well.well_id, days[i], hours, 0.0, 0.0, 0.0, round(volume, 2), 0.0, 0.0)
            continue
        oil = round(volume, 2)
        cut = min(0.95, well.water_cut + 0.12 * years)
        gas = None if random_() < 0.002 else round(oil * well.gor * (1 + 0.15 * years) / 1000, 2)
        water = round(oil * cut / (1.0 - cut), 2)
        sold = round(oil * (0.97 + 0.06 * random_()), 2)
        yield (well.well_id, days[i], hours, oil, gas, water, 0.0, sold, round(sold * prices[i], 2))


def _months(days: list[str], well: Well) -> Iterator[tuple[int, int]]:
    """(index of the month's first day in the data set, days of the well in that month)."""
    i = well.first_day
    while i <= well.last_day:
        month = days[i][:7]
        j = i
        while j + 1 <= well.last_day and days[j + 1][:7] == month:
            j += 1
        yield i, j - i + 1
        i = j + 1

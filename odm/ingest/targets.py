"""The tables data can be written to, by a file import or over HTTP alike: their column
types, keys, allowed values, units and what a row must say."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from odm.units import Quantity

ColumnType = Literal["text", "int", "float", "date", "month"]

# The columns that can name a well in a row, besides its integer id: each is unique where set.
WELL_IDENTIFIERS = ("well_name", "uwi", "api_number", "source_key")
INF = math.inf
# No volume, rate, price or amount comes near this; past it a value is a writer's error.
MAX_MAGNITUDE = 1e15


@dataclass(frozen=True)
class Target:
    """One writable table: typed columns, the upsert key, and what a writer fills in."""

    table: str
    types: dict[str, ColumnType]
    key: tuple[str, ...]
    choices: dict[str, frozenset[str]] = field(default_factory=dict)
    # Values outside a range are rejected; inside it but past `usual`, accepted and counted
    # as warnings (a 25-hour day when clocks go back, a meter correction below zero).
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    usual: dict[str, tuple[float, float]] = field(default_factory=dict)
    filled: tuple[str, ...] = ()  # columns the writer fills: division_id, source
    names_well: bool = False  # whether rows name an existing well (by any identifier)
    quantities: dict[str, Quantity] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # SQL defaults of new rows

    @property
    def needs_division(self) -> bool:
        """Whether rows carry the division they belong to."""
        return "division_id" in self.filled

    @property
    def name(self) -> str:
        """The table's name without the `odm_` prefix."""
        return self.table.removeprefix("odm_")

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The text columns that may name a row's well instead of its id (not stored)."""
        return WELL_IDENTIFIERS if self.names_well else ()

    def mappable(self) -> tuple[str, ...]:
        """The columns a mapping may fill from the file (a well's identifiers included)."""
        return (*(name for name in self.types if name not in self.filled), *self.identifiers)

    def bounds(self, name: str) -> tuple[float, float]:
        """The values a numeric column accepts, in stored units."""
        return self.ranges.get(name, (-INF, INF))

    def unusual(self, name: str, value: float) -> str | None:
        """What is out of the ordinary about an accepted value (a warning, counted by what
        it says), or None: a 25-hour day, a negative volume."""
        low, high = self.usual.get(name, (-INF, INF))
        if value < low:
            return f"{name} below {low:g}"
        if value > high:
            return f"{name} above {high:g}"
        return None


LIQUID = Quantity.LIQUID
GAS = Quantity.GAS
VOLUMES_MAY_BE_NEGATIVE = (-INF, INF)
NOT_NEGATIVE = (0.0, INF)

DAILY_PRODUCTION = Target(
    table="odm_daily_production",
    types={
        "well_id": "int",
        "production_date": "date",
        "hours_on": "float",
        "oil": "float",
        "gas": "float",
        "water": "float",
        "water_injected": "float",
        "oil_sold": "float",
        "sales_value": "float",
    },
    key=("well_id", "production_date"),
    ranges={"hours_on": (0, 25)},
    usual={"hours_on": (0, 24)}
    | {v: NOT_NEGATIVE for v in ("oil", "gas", "water", "water_injected", "oil_sold")},
    names_well=True,
    quantities={"oil": LIQUID, "gas": GAS, "water": LIQUID, "water_injected": LIQUID}
    | {"oil_sold": LIQUID},
)

MONTHLY_PRODUCTION = Target(
    table="odm_monthly_production",
    types={
        "entity_type": "text",
        "entity_key": "text",
        "month": "month",
        "division_id": "int",
        "well_id": "int",
        "entity_name": "text",
        "days_on": "float",
        "oil": "float",
        "condensate": "float",
        "ngl": "float",
        "gas": "float",
        "associated_gas": "float",
        "water": "float",
        "water_injected": "float",
        "source": "text",
    },
    key=("entity_type", "entity_key", "month"),
    choices={"entity_type": frozenset({"well", "completion", "lease", "field"})},
    # A 31-day month plus the hour clocks gain when they go back.
    ranges={"days_on": (0, 31 + 1 / 24)},
    usual={"days_on": (0, 31)}
    | {v: NOT_NEGATIVE for v in ("oil", "condensate", "ngl", "gas", "associated_gas")},
    filled=("division_id", "source"),
    quantities={f: LIQUID for f in ("oil", "condensate", "ngl", "water", "water_injected")}
    | {"gas": GAS, "associated_gas": GAS},
)

MONTHLY_PRICE = Target(
    table="odm_monthly_price",
    types={"product": "text", "month": "month", "price": "float", "source": "text"},
    key=("product", "month"),
    choices={"product": frozenset({"oil", "gas", "ngl", "condensate"})},
    filled=("source",),
)

DAILY_PRICE = Target(
    table="odm_oil_price",
    types={"price_date": "date", "price": "float"},
    key=("price_date",),
    quantities={"price": Quantity.LIQUID_PRICE},
)

WELL_BUDGET = Target(
    table="odm_well_budget",
    types={"well_id": "int", "month": "month", "budget": "float", "actual": "float"},
    key=("well_id", "month"),
    names_well=True,
    defaults={"budget": "0", "actual": "0"},
)

TARGETS = {
    t.table: t for t in (MONTHLY_PRODUCTION, MONTHLY_PRICE, DAILY_PRODUCTION, WELL_BUDGET)
} | {DAILY_PRICE.table: DAILY_PRICE}


def find_target(name: str) -> Target:
    """The target table named `name` (the `odm_` prefix is optional)."""
    target = TARGETS.get(name) or TARGETS.get(f"odm_{name}")
    if target is None:
        raise ValueError(f"unknown table {name!r}: choose one of {', '.join(TARGETS)}")
    return target

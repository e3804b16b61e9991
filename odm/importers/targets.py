"""The tables an import can write: their column types, keys and allowed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "float", "date", "month"]


@dataclass(frozen=True)
class Target:
    """One writable table: typed columns, the upsert key, and what the importer fills in."""

    table: str
    types: dict[str, ColumnType]
    key: tuple[str, ...]
    choices: dict[str, frozenset[str]] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    filled: tuple[str, ...] = ()  # columns the importer fills: division_id, source
    known_wells: bool = False  # whether `well_id` must name an existing well

    @property
    def needs_division(self) -> bool:
        """Whether rows carry the division they belong to."""
        return "division_id" in self.filled

    def mappable(self) -> tuple[str, ...]:
        """The columns a mapping may fill from the file."""
        return tuple(name for name in self.types if name not in self.filled)


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
    ranges={"days_on": (0, 31)},
    filled=("division_id", "source"),
)

MONTHLY_PRICE = Target(
    table="odm_monthly_price",
    types={"product": "text", "month": "month", "price": "float", "source": "text"},
    key=("product", "month"),
    choices={"product": frozenset({"oil", "gas", "ngl", "condensate"})},
    filled=("source",),
)

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
    known_wells=True,
)

TARGETS = {t.table: t for t in (MONTHLY_PRODUCTION, MONTHLY_PRICE, DAILY_PRODUCTION)}


def find_target(name: str) -> Target:
    """The target table named `name` (the `odm_` prefix is optional)."""
    target = TARGETS.get(name) or TARGETS.get(f"odm_{name}")
    if target is None:
        raise ValueError(f"unknown table {name!r}: choose one of {', '.join(TARGETS)}")
    return target

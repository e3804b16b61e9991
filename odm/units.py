"""Units: storage is canonical (field units); the API converts at its edge on request, and
writes and imports convert to storage as they read.

Every factor derives from the exact definitions of the domain reference (docs: DOMAIN units
table): 1 bbl = 42 US gal = 0.158987294928 m³ and 1 ft³ = 0.028316846592 m³. Rounded factors
(0.158987, 6.289811) drift by about 2e-6 on a round trip; these return a value imported in
m³ and read back with `units=metric` to its last bits (about 1e-16). Standard volumes (Sm³ at
15 °C, scf at 60 °F) convert with the same factors, as the industry does: the difference of
standard conditions is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from odm.db.base import Row
from odm.rows import Bound, Columns, Step

M3_PER_BBL = 0.158987294928  # 42 US gal = 9,702 in³, exactly
M3_PER_FT3 = 0.028316846592  # (0.3048 m)³, exactly
SM3_PER_MCF = 28.316846592  # 1,000 ft³
SCF_PER_BBL_PER_SM3_PER_SM3 = M3_PER_BBL / M3_PER_FT3  # 9,702 / 1,728 = 5.614583...


class UnitSystem(StrEnum):
    """`field`: bbl, Mcf, scf/bbl. `metric`: m³ (Sm³ for gas), Sm³/Sm³."""

    FIELD = "field"
    METRIC = "metric"


class Quantity(StrEnum):
    """What a numeric field measures, which decides how it converts."""

    LIQUID = "liquid"  # bbl | m³ (also liquid rates per day)
    GAS = "gas"  # Mcf | Sm³ (also gas rates per day)
    GOR = "gor"  # scf/bbl | Sm³/Sm³
    LIQUID_PRICE = "liquid_price"  # USD/bbl | USD/m³


METRIC_FACTORS: dict[Quantity, float] = {
    Quantity.LIQUID: M3_PER_BBL,
    Quantity.GAS: SM3_PER_MCF,
    Quantity.GOR: 1 / SCF_PER_BBL_PER_SM3_PER_SM3,
    Quantity.LIQUID_PRICE: 1 / M3_PER_BBL,
}

STORED_UNITS: dict[Quantity, str] = {
    Quantity.LIQUID: "bbl",
    Quantity.GAS: "Mcf",
    Quantity.GOR: "scf/bbl",
    Quantity.LIQUID_PRICE: "USD/bbl",
}

# The units a value may be given in, per quantity: how many stored units one of them is. In
# field units M is a thousand (Mcf, Mbbl) and MM a million; in metric units k is a thousand
# and M a million (MSm³, as Norway reports), G a billion; e3m3 and e6m3 are Canada's names.
UNITS: dict[Quantity, dict[str, float]] = {
    Quantity.LIQUID: {
        "bbl": 1.0,
        "Mbbl": 1e3,
        "MMbbl": 1e6,
        "m3": 1 / M3_PER_BBL,
        "Sm3": 1 / M3_PER_BBL,
        "L": 1e-3 / M3_PER_BBL,
        "kSm3": 1e3 / M3_PER_BBL,
        "e3m3": 1e3 / M3_PER_BBL,
        "MSm3": 1e6 / M3_PER_BBL,
        "e6m3": 1e6 / M3_PER_BBL,
    },
    Quantity.GAS: {
        "Mcf": 1.0,
        "MMcf": 1e3,
        "Bcf": 1e6,
        "scf": 1e-3,
        "ft3": 1e-3,
        "Sm3": 1 / SM3_PER_MCF,
        "m3": 1 / SM3_PER_MCF,
        "kSm3": 1e3 / SM3_PER_MCF,
        "e3m3": 1e3 / SM3_PER_MCF,
        "MSm3": 1e6 / SM3_PER_MCF,
        "e6m3": 1e6 / SM3_PER_MCF,
        "GSm3": 1e9 / SM3_PER_MCF,
        "e9m3": 1e9 / SM3_PER_MCF,
    },
    Quantity.GOR: {"scf/bbl": 1.0, "Sm3/Sm3": SCF_PER_BBL_PER_SM3_PER_SM3},
    Quantity.LIQUID_PRICE: {"USD/bbl": 1.0, "USD/m3": M3_PER_BBL},
}


class UnknownUnit(ValueError):
    """A unit name not in the quantity's table."""


def unit_factor(quantity: Quantity, unit: str) -> float:
    """How many stored units one `unit` of the quantity is (`m³` may be written `m3`; case
    does not matter, as no two names differ only by it)."""
    wanted = unit.strip().replace("³", "3").lower()
    for name, factor in UNITS[quantity].items():
        if name.lower() == wanted:
            return factor
    raise UnknownUnit(
        f"unknown {quantity.value} unit {unit!r}: use one of {', '.join(UNITS[quantity])}"
    )


def converter(quantities: Mapping[str, Quantity], system: UnitSystem) -> Step:
    """A row step converting every column with a quantity (found by name) to the unit
    system; rows pass unchanged in field units, so those responses pay nothing.

    Values are not rounded: one multiplication of a stored value gives the same bits on
    every backend, and a value written in metric units reads back as written. Steps that
    convert sums round those sums first (see odm.figures.round_sums).
    """

    def bind(columns: Columns) -> Bound:
        if system is UnitSystem.FIELD:
            return Bound(columns)
        factors = [METRIC_FACTORS[quantities[c]] if c in quantities else None for c in columns]
        if not any(factors):
            return Bound(columns)

        def convert(row: Row) -> Row:
            return tuple(
                value * factor if factor is not None and value is not None else value
                for value, factor in zip(row, factors, strict=True)
            )

        return Bound(columns, convert)

    return bind


def column_factors(quantities: Mapping[str, Quantity], system: UnitSystem) -> dict[str, float]:
    """The factor `converter` multiplies each column by, for the columnar path (none in
    field units)."""
    if system is UnitSystem.FIELD:
        return {}
    return {name: METRIC_FACTORS[quantity] for name, quantity in quantities.items()}


def to_stored(quantity: Quantity, system: UnitSystem) -> float:
    """The factor that turns a value written in a unit system into the stored unit (the
    inverse of what reads in that system apply), so a value written then read back in the
    same system comes back as written, to the last bits."""
    return 1.0 if system is UnitSystem.FIELD else 1.0 / METRIC_FACTORS[quantity]

"""Units: storage is canonical (field units); the API converts at its edge on request.

Factors are the exact ones of the domain reference (docs: DOMAIN units table).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from odm.db.base import Row
from odm.rows import Bound, Columns, Step

M3_PER_BBL = 0.158987
SM3_PER_MCF = 28.3168
SCF_PER_BBL_PER_SM3_PER_SM3 = 5.6146


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


def converter(quantities: Mapping[str, Quantity], system: UnitSystem) -> Step:
    """A row step converting every column with a quantity (found by name) to the unit
    system; rows pass unchanged in field units, so those responses pay nothing."""

    def bind(columns: Columns) -> Bound:
        if system is UnitSystem.FIELD:
            return Bound(columns)
        factors = [METRIC_FACTORS[quantities[c]] if c in quantities else None for c in columns]
        if not any(factors):
            return Bound(columns)

        def convert(row: Row) -> Row:
            # Six decimals: far below any meter's precision, and the same digits everywhere.
            return tuple(
                round(value * factor, 6) if factor is not None and value is not None else value
                for value, factor in zip(row, factors, strict=True)
            )

        return Bound(columns, convert)

    return bind


def to_stored(quantity: Quantity, system: UnitSystem) -> float:
    """The factor that turns a value written in a unit system into the stored unit (the
    inverse of what reads in that system apply), so a value written then read back in the
    same system comes back as written, to the last bits."""
    return 1.0 if system is UnitSystem.FIELD else 1.0 / METRIC_FACTORS[quantity]

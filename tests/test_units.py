"""Unit factors derive from the exact definitions, so values round-trip to their last bits."""

from __future__ import annotations

import math
import random

import pytest

from odm.units import (
    METRIC_FACTORS,
    SCF_PER_BBL_PER_SM3_PER_SM3,
    UNITS,
    Quantity,
    UnknownUnit,
    unit_factor,
)


def test_factors_are_the_exact_definitions() -> None:
    assert METRIC_FACTORS[Quantity.LIQUID] == 0.158987294928
    assert METRIC_FACTORS[Quantity.GAS] == 28.316846592
    assert math.isclose(SCF_PER_BBL_PER_SM3_PER_SM3, 9702 / 1728, rel_tol=1e-15)
    m3_per_bbl = 42 * 231 * 0.0254**3  # 42 US gallons of 231 in³
    assert math.isclose(1 / unit_factor(Quantity.LIQUID, "m3"), m3_per_bbl, rel_tol=1e-15)


@pytest.mark.parametrize("quantity", [Quantity.LIQUID, Quantity.GAS])
@pytest.mark.parametrize("unit, scale", [("Sm3", 1.0), ("kSm3", 1e3), ("MSm3", 1e6)])
def test_metric_values_read_back_as_imported(quantity: Quantity, unit: str, scale: float) -> None:
    rng = random.Random(5)
    for _ in range(10_000):
        value = rng.uniform(-1e4, 1e6)
        stored = value * unit_factor(quantity, unit)
        assert math.isclose(stored * METRIC_FACTORS[quantity], value * scale, rel_tol=1e-15)


def test_units_are_found_whatever_their_case_or_cube_sign() -> None:
    assert unit_factor(Quantity.LIQUID, " sm³ ") == unit_factor(Quantity.LIQUID, "Sm3")
    assert unit_factor(Quantity.GAS, "MMCF") == 1e3
    assert unit_factor(Quantity.GAS, "e3m3") == unit_factor(Quantity.GAS, "kSm3")
    for table in UNITS.values():  # no two names differ only by case
        assert len({name.lower() for name in table}) == len(table)
    with pytest.raises(UnknownUnit, match="use one of bbl, Mbbl"):
        unit_factor(Quantity.LIQUID, "gallon")

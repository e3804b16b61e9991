"""The closed-form rates and cumulatives match a reference implementation (petbox-dca) to
1e-9 relative, and agree with their own definitions (N is the integral of q, the time to a
rate inverts q)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from petbox import dca
from scipy.integrate import quad

from odm.decline import DAYS_PER_YEAR
from odm.decline.models import Curve, effective_annual, nominal_from_effective

TIMES = np.array([0.0, 0.5, 1.0, 10.5, 100.0, 365.25, 1000.0, 3652.5, 18262.5])
QI = 850.0
D_YEAR = 0.9  # nominal per year


def _close(ours: np.ndarray, reference: np.ndarray) -> None:
    relative = np.abs(ours - reference) / np.maximum(np.abs(reference), 1e-300)
    assert float(np.max(np.where(reference == 0, np.abs(ours), relative))) < 1e-9


def _arps_reference(b: float) -> dca.PrimaryPhase:
    """petbox's model with our nominal decline, given as it wants it (secant effective)."""
    if b == 0.0:
        return dca.MH(QI, 1.0 - math.exp(-D_YEAR), 0.0)
    return dca.Hyperbolic(QI, effective_annual(D_YEAR / DAYS_PER_YEAR, b), b)


@pytest.mark.parametrize(
    ("model", "b"),
    [
        ("exponential", 0.0),
        ("harmonic", 1.0),
        ("hyperbolic", 0.3),
        ("hyperbolic", 0.5),
        ("hyperbolic", 1.5),
        ("hyperbolic", 2.0),
    ],
)
def test_arps_matches_petbox(model: str, b: float) -> None:
    curve = Curve(model, QI, D_YEAR / DAYS_PER_YEAR, b)  # type: ignore[arg-type]
    reference = _arps_reference(b)
    _close(curve.rate(TIMES), reference.rate(TIMES))
    _close(curve.cumulative(TIMES), reference.cum(TIMES))


@pytest.mark.parametrize(("b", "terminal"), [(1.2, 0.08), (0.5, 0.05), (1.9, 0.12)])
def test_modified_hyperbolic_matches_petbox(b: float, terminal: float) -> None:
    curve = Curve(
        "modified_hyperbolic", QI, D_YEAR / DAYS_PER_YEAR, b, nominal_from_effective(terminal)
    )
    reference = dca.MH(QI, effective_annual(D_YEAR / DAYS_PER_YEAR, b), b, terminal)
    times = np.append(TIMES, [curve.switch_time - 1.0, curve.switch_time + 1.0, 40000.0])
    assert 0 < curve.switch_time < 40000
    _close(curve.rate(times), reference.rate(times))
    _close(curve.cumulative(times), reference.cum(times))


@pytest.mark.parametrize(("tau", "n"), [(300.0, 0.4), (50.0, 0.25), (1000.0, 0.9)])
def test_stretched_exponential_matches_petbox(tau: float, n: float) -> None:
    curve = Curve("stretched_exponential", QI, tau=tau, n=n)
    reference = dca.SE(QI, tau, n)
    _close(curve.rate(TIMES), reference.rate(TIMES))
    _close(curve.cumulative(TIMES[1:]), reference.cum(TIMES[1:]))


CURVES = [
    Curve("exponential", QI, 0.4 / DAYS_PER_YEAR),
    Curve("hyperbolic", QI, 1.3 / DAYS_PER_YEAR, 0.8),
    Curve("harmonic", QI, 0.7 / DAYS_PER_YEAR, 1.0),
    Curve("modified_hyperbolic", QI, 2.0 / DAYS_PER_YEAR, 1.4, nominal_from_effective(0.1)),
    Curve("stretched_exponential", QI, tau=200.0, n=0.5),
]


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.model)
def test_cumulative_is_the_integral_of_the_rate(curve: Curve) -> None:
    for t in (30.0, 700.0, 9000.0):
        integral, _ = quad(lambda x: float(curve.rate(np.array([x]))[0]), 0.0, t, limit=200)
        assert float(curve.cumulative(np.array([t]))[0]) == pytest.approx(integral, rel=1e-9)


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.model)
def test_time_to_rate_inverts_the_rate(curve: Curve) -> None:
    for rate in (600.0, 50.0, 1.0):
        t = curve.time_to_rate(rate)
        assert float(curve.rate(np.array([t]))[0]) == pytest.approx(rate, rel=1e-9)
    assert curve.time_to_rate(QI * 2) == 0.0


def test_textbook_effective_declines() -> None:
    # Exponential: 1 - exp(-D); hyperbolic: 1 - (1 + b·D)^(-1/b) (secant effective).
    assert effective_annual(0.5 / DAYS_PER_YEAR, 0.0) == pytest.approx(1 - math.exp(-0.5))
    assert effective_annual(0.5 / DAYS_PER_YEAR, 0.5) == pytest.approx(1 - 1.25**-2)
    assert nominal_from_effective(0.06) * DAYS_PER_YEAR == pytest.approx(-math.log(0.94))

"""Fitting a decline model to rates by bounded least squares on ln(rate).

The rule, applied to every entity alike:

1. Rates come from `series.rates` (downtime, zero and negative periods left out); the decline
   starts at the given day or at the peak (`series.start_index`); time runs from the start
   of that period.
2. A first least-squares fit of ln(q_model / q), from a log-linear first guess.
3. Outliers: points whose ln residual is more than 3 robust standard deviations
   (1.4826 × the median absolute deviation, at least 0.05) from the median residual are
   dropped (a bad reading is far off the curve however it pulled the first fit), and the
   kept points are fitted again: that second fit is the answer.

Parameters are bounded: qi > 0 (fitted as ln qi), initial decline between 1e-4 and 1000 per
year (nominal), 0 < b < 2; the stretched exponential's τ between 1 day and 1e7 days and
0.01 < n < 1 (scipy's least_squares, Levenberg-Marquardt over unbounded variables: see
`_solve`). Fit quality: R² and the root mean square of the ln residuals over the kept
points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from odm.decline import DAYS_PER_YEAR
from odm.decline.models import B_EXPONENTIAL, Array, Curve, ModelName

D_BOUNDS = (math.log(1e-4 / DAYS_PER_YEAR), math.log(1e3 / DAYS_PER_YEAR))
QI_BOUNDS = (math.log(1e-6), math.log(1e9))
B_BOUNDS = (0.0, 2.0)
TAU_BOUNDS = (0.0, math.log(1e7))
N_BOUNDS = (0.01, 1.0)
OUTLIER_SIGMAS = 3.0
MIN_SIGMA = 0.05

Residuals = Callable[[Array], tuple[Array, Array]]


class TooLittleHistory(Exception):
    """Not enough rate points after the decline start to fit a model."""


@dataclass(frozen=True)
class Fit:
    """A fitted curve and how well it fits: points used, outliers dropped, R² and RMS of
    the ln residuals, and whether the optimiser converged."""

    curve: Curve
    points: int
    outliers: int
    r_squared: float
    rmse_log: float
    converged: bool


def _arps_terms(d: float, b: float, t: Array) -> tuple[Array, Array, Array]:
    """ln(qi/q) of an Arps curve and its derivatives by ln d and by b."""
    x = d * t
    if b < B_EXPONENTIAL:
        return x, x, -0.5 * x * x
    log_ratio = np.log1p(b * x) / b
    by_ln_d = x / (1.0 + b * x)
    if b < 1e-6:
        return log_ratio, by_ln_d, -0.5 * x * x + 2.0 * b * x**3 / 3.0
    return log_ratio, by_ln_d, (by_ln_d - log_ratio) / b


def _arps(t: Array, ln_q: Array, b_fixed: float | None, d_term: float) -> Residuals:
    """Residuals and Jacobian of an Arps model (b fixed or free; a terminal decline if
    `d_term` > 0). Past the switch, the derivatives through the switch time vanish (the
    decline is continuous there), so the early segment's values at the switch serve."""

    def residuals(x: Array) -> tuple[Array, Array]:
        d = math.exp(x[1])
        b = b_fixed if b_fixed is not None else float(x[2])
        if d_term > 0:
            switch = Curve("modified_hyperbolic", 1.0, d, b, d_term).switch_time
            log_ratio, by_ln_d, by_b = _arps_terms(d, b, np.minimum(t, switch))
            log_ratio = log_ratio + d_term * np.maximum(t - switch, 0.0)
        else:
            log_ratio, by_ln_d, by_b = _arps_terms(d, b, t)
        columns = [np.ones_like(t), -by_ln_d] + ([-by_b] if b_fixed is None else [])
        return x[0] - log_ratio - ln_q, np.column_stack(columns)

    return residuals


def _stretched(t: Array, ln_q: Array) -> Residuals:
    """Residuals and Jacobian of the stretched exponential in (ln qi, ln τ, n)."""

    def residuals(x: Array) -> tuple[Array, Array]:
        tau, n = math.exp(x[1]), float(x[2])
        ratio = t / tau
        u = ratio**n
        with np.errstate(divide="ignore", invalid="ignore"):
            by_n = np.where(t > 0, u * np.log(ratio), 0.0)
        return x[0] - u - ln_q, np.column_stack([np.ones_like(t), n * u, -by_n])

    return residuals


def _slope(t: Array, ln_q: Array) -> float:
    """The decline of a log-linear fit, per day (at least a tiny positive one)."""
    if len(t) < 2 or np.ptp(t) == 0:
        return 1e-4 / DAYS_PER_YEAR
    return max(-float(np.polyfit(t, ln_q, 1)[0]), 1e-4 / DAYS_PER_YEAR)


def _problem(model: ModelName, t: Array, ln_q: Array, d_term: float) -> tuple[Residuals, Array]:
    """The residual function of a model and a first guess of its parameters."""
    head = max(3, len(t) // 20)
    ln_qi = float(np.median(ln_q[:head]))
    early = max(2, len(t) // 3)
    d0 = math.log(min(max(_slope(t[:early], ln_q[:early]), 1.1e-4 / 365.25), 900 / 365.25))
    if model == "exponential":
        return _arps(t, ln_q, 0.0, 0.0), np.array([ln_qi, math.log(_slope(t, ln_q))])
    if model == "harmonic":
        return _arps(t, ln_q, 1.0, 0.0), np.array([ln_qi, d0])
    if model == "stretched_exponential":
        middle = len(t) // 2
        drop = max(ln_qi - float(np.median(ln_q[middle : middle + head])), 0.05)
        tau0 = min(max(float(t[middle]) / drop**2, 2.0), 1e6)
        return _stretched(t, ln_q), np.array([ln_qi, math.log(tau0), 0.5])
    d_term_used = d_term if model == "modified_hyperbolic" else 0.0
    return _arps(t, ln_q, None, d_term_used), np.array([ln_qi, d0, 0.5])


def _bounded(model: ModelName) -> tuple[float, float] | None:
    """The bounds of a model's third parameter (b or n), if it has one."""
    if model in ("hyperbolic", "modified_hyperbolic"):
        return B_BOUNDS
    return N_BOUNDS if model == "stretched_exponential" else None


def _sigmoid(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * z))


def _solve(residuals: Residuals, x0: Array, model: ModelName) -> tuple[Array, bool]:
    """Least squares (Levenberg-Marquardt, analytic Jacobian) from x0, within the bounds.

    The solver works on unbounded variables: a bounded parameter p in (lo, hi) is
    lo + (hi - lo)·sigmoid(z), and the second one (ln Di or ln τ) is clipped to its range;
    MINPACK's Levenberg-Marquardt then runs several times faster than a bounded method."""
    bounds = _bounded(model)
    second = TAU_BOUNDS if model == "stretched_exponential" else D_BOUNDS

    def to_x(y: Array) -> tuple[Array, float]:
        x = y.copy()
        x[1] = min(max(y[1], second[0]), second[1])
        if bounds is None:
            return x, 1.0
        lo, hi = bounds
        share = _sigmoid(float(y[2]))
        x[2] = lo + (hi - lo) * share
        return x, (hi - lo) * share * (1.0 - share)

    last: dict[bytes, tuple[Array, Array]] = {}

    def evaluate(y: Array) -> tuple[Array, Array]:
        # MINPACK asks for the values and then the Jacobian at the same point: compute once.
        key = y.tobytes()
        if key not in last:
            x, slope = to_x(y)
            error, matrix = residuals(x)
            if bounds is not None:
                matrix[:, 2] *= slope
            last.clear()
            last[key] = (error, matrix)
        return last[key]

    def values(y: Array) -> Array:
        return evaluate(y)[0]

    def jacobian(y: Array) -> Array:
        return evaluate(y)[1]

    y0 = x0.copy()
    if bounds is not None:
        lo, hi = bounds
        share = min(max((x0[2] - lo) / (hi - lo), 1e-6), 1 - 1e-6)
        y0[2] = math.log(share / (1.0 - share))
    # Imported here: scipy.optimize costs a server about 50 MB that only fits need.
    from scipy.optimize import least_squares

    result = least_squares(values, y0, jac=jacobian, method="lm")
    return to_x(np.asarray(result.x, dtype=np.float64))[0], bool(result.status > 0)


def _curve(model: ModelName, x: Array, d_term: float) -> Curve:
    qi = math.exp(x[0])
    if model == "stretched_exponential":
        return Curve(model, qi, tau=math.exp(x[1]), n=float(x[2]))
    b = {"exponential": 0.0, "harmonic": 1.0}.get(model)
    b_value = float(x[2]) if b is None else b
    return Curve(
        model, qi, math.exp(x[1]), b_value, d_term if model == "modified_hyperbolic" else 0
    )


def _inliers(residuals: Array) -> npt.NDArray[np.bool_]:
    """The points kept: within 3 robust standard deviations of the median residual."""
    centre = float(np.median(residuals))
    sigma = max(1.4826 * float(np.median(np.abs(residuals - centre))), MIN_SIGMA)
    keep: npt.NDArray[np.bool_] = np.abs(residuals - centre) <= OUTLIER_SIGMAS * sigma
    return keep


def fit_curve(model: ModelName, t: Array, rate: Array, d_term: float = 0.0) -> Fit:
    """Fit a model to rates (volume per day) at times t (days from the decline start);
    `d_term` is the modified hyperbolic's terminal decline, nominal per day."""
    ln_q = np.log(rate)
    residuals, x0 = _problem(model, t, ln_q, d_term)
    x, _ = _solve(residuals, x0, model)
    keep = _inliers(residuals(x)[0])
    t_kept, ln_kept = t[keep], ln_q[keep]
    residuals, _ = _problem(model, t_kept, ln_kept, d_term)
    x, converged = _solve(residuals, x, model)
    error = residuals(x)[0]
    total = float(np.sum((ln_kept - ln_kept.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(error**2)) / total if total > 0 else 0.0
    rmse = math.sqrt(float(np.mean(error**2)))
    return Fit(
        _curve(model, x, d_term), int(keep.sum()), int((~keep).sum()), r_squared, rmse, converged
    )

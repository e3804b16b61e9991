"""Closed-form decline models: rate q(t), cumulative N(t) and the time a rate is reached.

t is in days from the decline start, q in volume per day, N in volume; declines are
nominal per day (d = -d ln q / dt at t = 0). Every function takes and returns numpy arrays.

- Exponential (Arps b = 0): q = qi·exp(-d·t).
- Hyperbolic (Arps 0 < b ≤ 2): q = qi·(1 + b·d·t)^(-1/b).
- Harmonic (Arps b = 1): q = qi / (1 + d·t).
- Modified hyperbolic (Robertson 1988): hyperbolic until its instantaneous decline
  d / (1 + b·d·t) falls to the terminal decline, exponential at that decline after.
- Stretched exponential (Valkó 2009), for unconventional wells: q = qi·exp(-(t/τ)^n).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from odm.decline import DAYS_PER_YEAR

Array = npt.NDArray[np.float64]
ModelName = Literal[
    "exponential", "hyperbolic", "harmonic", "modified_hyperbolic", "stretched_exponential"
]
MODEL_NAMES: tuple[ModelName, ...] = (
    "exponential",
    "hyperbolic",
    "harmonic",
    "modified_hyperbolic",
    "stretched_exponential",
)
# Below this b, the hyperbolic formulas lose digits to cancellation: the exponential's are used.
B_EXPONENTIAL = 1e-9


def _arps_log_ratio(d: float, b: float, t: Array) -> Array:
    """ln(qi / q(t)) of an Arps curve: (1/b)·ln(1 + b·d·t), or d·t when b is 0."""
    if b < B_EXPONENTIAL:
        return d * t
    return np.log1p(b * d * t) / b


def arps_rate(qi: float, d: float, b: float, t: Array) -> Array:
    """Arps rate at t days: exponential (b = 0), hyperbolic or harmonic (b = 1)."""
    return qi * np.exp(-_arps_log_ratio(d, b, t))


def arps_cumulative(qi: float, d: float, b: float, t: Array) -> Array:
    """Arps cumulative volume from 0 to t days."""
    if b < B_EXPONENTIAL:
        return -qi / d * np.expm1(-d * t)
    if abs(b - 1.0) < 1e-12:
        return qi / d * np.log1p(d * t)
    return -qi / ((1.0 - b) * d) * np.expm1((1.0 - 1.0 / b) * np.log1p(b * d * t))


def arps_time_to_rate(qi: float, d: float, b: float, q: float) -> float:
    """Days until an Arps curve falls to rate q (0 if it starts below q)."""
    if q >= qi:
        return 0.0
    if b < B_EXPONENTIAL:
        return math.log(qi / q) / d
    return math.expm1(b * math.log(qi / q)) / (b * d)


def effective_annual(d: float, b: float) -> float:
    """1 - q(1 year)/qi of an Arps curve: the secant effective annual decline (for b = 0
    the tangent effective decline, which is the same number)."""
    one_year = np.array([DAYS_PER_YEAR])
    return float(-np.expm1(-_arps_log_ratio(d, b, one_year))[0])


def nominal_from_effective(effective: float) -> float:
    """Nominal decline per day of an exponential with this effective annual decline."""
    return -math.log1p(-effective) / DAYS_PER_YEAR


@dataclass(frozen=True)
class Curve:
    """A fitted or given decline curve: one of the five models with its parameters.

    `d` is the initial nominal decline per day and `b` the Arps exponent (Arps models);
    `d_term` the terminal nominal decline per day (modified hyperbolic); `tau` (days) and
    `n` the stretched exponential's.
    """

    model: ModelName
    qi: float
    d: float = 0.0
    b: float = 0.0
    d_term: float = 0.0
    tau: float = 1.0
    n: float = 1.0

    @property
    def switch_time(self) -> float:
        """Days until a modified hyperbolic turns exponential (inf for the other models)."""
        if self.model != "modified_hyperbolic":
            return math.inf
        if self.d <= self.d_term or self.b < B_EXPONENTIAL:
            return 0.0
        return (self.d / self.d_term - 1.0) / (self.b * self.d)

    def rate(self, t: Array) -> Array:
        """Rate at t days, volume per day."""
        t = np.asarray(t, dtype=np.float64)
        if self.model == "stretched_exponential":
            return self.qi * np.exp(-((t / self.tau) ** self.n))
        if self.model != "modified_hyperbolic":
            return arps_rate(self.qi, self.d, self.b, t)
        ts = self.switch_time
        early = arps_rate(self.qi, self.d, self.b, np.minimum(t, ts))
        return early * np.exp(-self.d_term * np.maximum(t - ts, 0.0))

    def cumulative(self, t: Array) -> Array:
        """Volume produced from 0 to t days."""
        t = np.asarray(t, dtype=np.float64)
        if self.model == "stretched_exponential":
            # Imported here, as scipy.optimize in `fit`: a server that fits nothing skips it.
            from scipy.special import gamma, gammainc

            scale = self.qi * self.tau / self.n * gamma(1.0 / self.n)
            return np.asarray(scale * gammainc(1.0 / self.n, (t / self.tau) ** self.n))
        if self.model != "modified_hyperbolic":
            return arps_cumulative(self.qi, self.d, self.b, t)
        ts = self.switch_time
        early = arps_cumulative(self.qi, self.d, self.b, np.minimum(t, ts))
        q_switch = float(arps_rate(self.qi, self.d, self.b, np.array([ts]))[0])
        late = -q_switch / self.d_term * np.expm1(-self.d_term * np.maximum(t - ts, 0.0))
        return np.asarray(early + late)

    def time_to_rate(self, q: float) -> float:
        """Days until the rate falls to q (0 if it starts at or below q)."""
        if q >= self.qi:
            return 0.0
        if self.model == "stretched_exponential":
            return float(self.tau * math.log(self.qi / q) ** (1.0 / self.n))
        if self.model != "modified_hyperbolic":
            return arps_time_to_rate(self.qi, self.d, self.b, q)
        ts = self.switch_time
        q_switch = float(arps_rate(self.qi, self.d, self.b, np.array([ts]))[0])
        if q >= q_switch:
            return arps_time_to_rate(self.qi, self.d, self.b, q)
        return ts + math.log(q_switch / q) / self.d_term

    @property
    def di_effective(self) -> float:
        """1 - q(1 year)/qi of the initial curve (Arps: the secant effective decline)."""
        if self.model == "stretched_exponential":
            return float(-np.expm1(-((DAYS_PER_YEAR / self.tau) ** self.n)))
        return effective_annual(self.d, self.b)

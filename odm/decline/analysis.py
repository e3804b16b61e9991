"""One entity's decline analysis: its history's rates, the fit, and the outlook, as the
named values a response row carries (field units; the API converts at its edge)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from odm.decline import DAYS_PER_YEAR
from odm.decline.fit import Fit, fit_curve
from odm.decline.forecast import Outlook, outlook
from odm.decline.models import ModelName, nominal_from_effective
from odm.decline.series import (
    MIN_POINTS,
    MIN_SPAN_DAYS,
    Basis,
    History,
    enough,
    rates,
    start_index,
    to_date,
)

Phase = Literal["oil", "gas"]
FITTED = "fitted"
NOT_CONVERGED = "not_converged"
TOO_LITTLE_HISTORY = "insufficient_history"


@dataclass(frozen=True)
class Options:
    """How to fit and forecast: the model, the phase, the rate basis, the decline start
    (None: the peak), the modified hyperbolic's terminal decline (effective annual), the
    economic limit (volume per day, field units) and the forecast horizon (years)."""

    model: ModelName = "modified_hyperbolic"
    phase: Phase = "oil"
    basis: Basis = "producing"
    start: dt.date | None = None
    terminal_decline: float = 0.06
    economic_limit: float = 5.0
    horizon_years: float = 50.0

    @property
    def d_term(self) -> float:
        """The terminal decline, nominal per day (modified hyperbolic only; else 0)."""
        if self.model != "modified_hyperbolic":
            return 0.0
        return nominal_from_effective(self.terminal_decline)


@dataclass(frozen=True)
class Analysis:
    """A history's fit and outlook, or why there is none (`fit` is None)."""

    options: Options
    history: History
    points: int
    excluded: int
    fit: Fit | None = None
    origin: float = math.nan
    view: Outlook | None = None

    @property
    def status(self) -> str:
        """fitted, not_converged or insufficient_history."""
        if self.fit is None:
            return TOO_LITTLE_HISTORY
        return FITTED if self.fit.converged else NOT_CONVERGED

    def shortfall(self) -> str:
        """Why a history is too short, in words (for the 422 answer)."""
        grain = self.history.grain
        unit = "days" if grain == "day" else "months"
        return (
            f"{self.points} usable {unit} of {self.options.phase} from the decline start; "
            f"a fit needs at least {MIN_POINTS[grain]} spanning "
            f"{MIN_SPAN_DAYS[grain]:.0f} days"
        )


def analyse(history: History, options: Options) -> Analysis:
    """Fit the history's decline and forecast it, or say that it is too short."""
    usable = rates(history, options.basis)
    first = start_index(usable, history.grain, options.start)
    points = max(len(usable.rate) - first, 0)
    if not enough(usable, first, history.grain):
        return Analysis(options, history, points, usable.excluded)
    origin = float(usable.start[first])
    t = usable.time[first:] - origin
    fit = fit_curve(options.model, t, usable.rate[first:], options.d_term)
    view = outlook(
        fit.curve,
        origin,
        history.end,
        history.produced,
        options.economic_limit,
        options.horizon_years,
    )
    return Analysis(options, history, points, usable.excluded, fit, origin, view)


def _date(day: float) -> dt.date | None:
    return to_date(day) if math.isfinite(day) else None


def values(analysis: Analysis) -> dict[str, Any]:
    """The analysis as the named values of a decline row (field units)."""
    options, fit, view = analysis.options, analysis.fit, analysis.view
    history = analysis.history
    row: dict[str, Any] = {
        "status": analysis.status,
        "model": options.model,
        "phase": options.phase,
        "basis": options.basis,
        "decline_start": _date(analysis.origin),
        "last_day": _date(history.end - 1.0),
        "points": analysis.points,
        "excluded": analysis.excluded,
    }
    row |= _parameters(fit, options)
    row["produced"] = history.produced
    row |= _outlook(view)
    return row


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _parameters(fit: Fit | None, options: Options) -> dict[str, Any]:
    """The curve's parameters and fit quality (all None without a fit)."""
    names: tuple[str, ...] = ("outliers", "qi", "di_nominal", "di_effective", "b")
    names += ("terminal_decline", "tau", "n", "r_squared", "rmse_log")
    if fit is None:
        return dict.fromkeys(names)
    curve = fit.curve
    arps = curve.model != "stretched_exponential"
    mh = curve.model == "modified_hyperbolic"
    return {
        "outliers": fit.outliers,
        "qi": curve.qi,
        "di_nominal": curve.d * DAYS_PER_YEAR if arps else None,
        "di_effective": curve.di_effective,
        "b": curve.b if arps else None,
        "terminal_decline": options.terminal_decline if mh else None,
        "tau": None if arps else curve.tau,
        "n": None if arps else curve.n,
        "r_squared": fit.r_squared,
        "rmse_log": fit.rmse_log,
    }


def _outlook(view: Outlook | None) -> dict[str, Any]:
    if view is None:
        return dict.fromkeys(("rate_now", "remaining", "eur", "forecast_end", "limit_reached"))
    return {
        "rate_now": _finite(view.rate_at_end_of_history),
        "remaining": view.remaining,
        "eur": view.eur,
        "forecast_end": _date(view.end),
        "limit_reached": view.limit_reached,
    }


def empty_history(grain: Literal["day", "month"]) -> History:
    """A history without periods (a well with no daily rows)."""
    none = np.array([], dtype=np.float64)
    return History(grain, none, none, none, none)

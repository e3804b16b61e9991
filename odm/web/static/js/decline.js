// The decline models of odm/decline/models.py, to draw a fitted curve over the history.
// t in days from the decline start; nominal declines per day; the API gives them per year.
const DAYS_PER_YEAR = 365.25;

function arps(qi, d, b, t) {
  return b < 1e-9 ? qi * Math.exp(-d * t) : qi * Math.exp(-Math.log1p(b * d * t) / b);
}

/** Rate at t days of the fit the API answered (GET /v1/wells/{id}/decline). */
export function fittedRate(fit, t) {
  const d = (fit.di_nominal || 0) / DAYS_PER_YEAR;
  const b = fit.model === "harmonic" ? 1 : fit.model === "exponential" ? 0 : fit.b || 0;
  if (fit.model === "stretched_exponential") return fit.qi * Math.exp(-((t / fit.tau) ** fit.n));
  if (fit.model !== "modified_hyperbolic") return arps(fit.qi, d, b, t);
  const dTerm = -Math.log1p(-fit.terminal_decline) / DAYS_PER_YEAR;
  const switchAt = d <= dTerm || b < 1e-9 ? 0 : (d / dTerm - 1) / (b * d);
  return arps(fit.qi, d, b, Math.min(t, switchAt)) * Math.exp(-dTerm * Math.max(t - switchAt, 0));
}

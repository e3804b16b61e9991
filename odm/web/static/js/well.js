// A well: daily rates with hours on and downtime, cumulative, GOR and water cut, and the
// fitted decline with its forecast drawn over the history.
import { apiUrl, csvLink, getJson, getList, getOptional, session } from "./api.js";
import { timeChart } from "./charts.js";
import { fittedRate } from "./decline.js";
import { el, epoch, number, showDay, unit, volume } from "./format.js";

const DAY = 86400;
const FORECAST_YEARS = 5;  // drawn after the history (the CSV has all of it)

function card(title, url, name, ...content) {
  return el("section", { class: "card" },
    el("header", {}, el("h2", { text: title }), url ? csvLink(url, name) : null), ...content);
}

function chartBox(id) {
  return el("div", { class: "chart", id });
}

function facts(well, fit) {
  const items = [
    ["Division", el("a", { href: `#/division/${well.division_id}`, text: well.division_name })],
    ["Type", well.well_type], ["Status", well.status],
    ["First production", showDay(well.first_production_date)],
    [`Cum. oil (${unit("oil")})`, volume(well.cumulative_oil)],
    [`Cum. gas (${unit("gas")})`, volume(well.cumulative_gas)],
    [`Cum. water (${unit("water")})`, volume(well.cumulative_water)],
    ["Hours on", volume(well.cumulative_hours_on)],
  ];
  if (fit && fit.eur !== null) items.push([`EUR oil (${unit("oil")})`, volume(fit.eur)]);
  return el("dl", { class: "facts" }, ...items.map(([k, v]) => el("div", {}, el("dt", { text: k }),
    el("dd", {}, typeof v === "string" ? v : v))));
}

/** Days from the first to the last day of the history, and the forecast's months after. */
function declineSeries(days, fit, forecast) {
  const x = days.map((r) => epoch(r.production_date));
  const start = fit && fit.qi !== null ? epoch(fit.decline_start) : null;
  const fitted = x.map((s) => (start !== null && s >= start ? fittedRate(fit, (s - start) / DAY) : null));
  const until = epoch(days.length ? days[days.length - 1].production_date : "1970-01-01") + FORECAST_YEARS * 365.25 * DAY;
  forecast = (forecast || []).filter((m) => epoch(m.month) <= until);
  const future = forecast.map((m) => epoch(m.month));
  return {
    x: [...x, ...future],
    oil: [...days.map((r) => r.oil), ...future.map(() => null)],
    fitted: [...fitted, ...future.map(() => null)],
    forecast: [...x.map(() => null), ...forecast.map((m) => m.rate)],
  };
}

function ratesCard(days, url, fit, forecast, fitUrl) {
  const box = chartBox("rates-chart");
  const series = declineSeries(days, fit, forecast);
  const note = fit && fit.qi !== null
    ? `Decline: ${fit.model.replace("_", " ")}, fitted from ${showDay(fit.decline_start)} (rates per producing day), R² ${number(fit.r_squared)}; forecast (next ${FORECAST_YEARS} years drawn) to ${showDay(fit.forecast_end)}, remaining ${volume(fit.remaining)} ${unit("oil")}.`
    : "No decline fit (too little history for one).";
  const section = card("Oil rate, fitted decline and forecast", url, "daily", el("p", { class: "status" }, note, " ", csvLink(fitUrl, "forecast")), box);
  return { section, draw: () => timeChart(box, {
    x: series.x,
    yLabel: `${unit("oil")}/d`,
    series: [
      { label: `Oil (${unit("oil")}/d)`, key: "oil", values: series.oil },
      { label: "Fitted decline", key: "fit", values: series.fitted, width: 2 },
      { label: "Forecast", key: "forecast", values: series.forecast, width: 2, spanGaps: true },
    ],
  }) };
}

function phasesCard(days, url) {
  const box = chartBox("phases-chart");
  const down = days.filter((r) => r.hours_on === 0).length;
  const section = card("Daily gas, water and hours on", url, "daily",
    el("p", { class: "status", text: `${days.length} days recorded, ${down} with no hours on (downtime: hours on falls to 0).` }), box);
  return { section, draw: () => timeChart(box, {
    x: days.map((r) => epoch(r.production_date)),
    yLabel: `${unit("gas")}/d, ${unit("water")}/d`,
    y2Label: "hours on",
    series: [
      { label: `Gas (${unit("gas")}/d)`, key: "gas", values: days.map((r) => r.gas) },
      { label: `Water (${unit("water")}/d)`, key: "water", values: days.map((r) => r.water) },
      { label: "Hours on", key: "hours", scale: "y2", steps: true, values: days.map((r) => r.hours_on) },
    ],
  }) };
}

function cumulativeCard(days, url) {
  const box = chartBox("cumulative-chart");
  const totals = { oil: 0, gas: 0, water: 0 };
  const rows = days.map((r) => {
    for (const phase of Object.keys(totals)) totals[phase] += r[phase] || 0;
    return { ...totals };
  });
  const section = card("Cumulative production", url, "daily", box);
  return { section, draw: () => timeChart(box, {
    x: days.map((r) => epoch(r.production_date)),
    yLabel: unit("oil"), y2Label: unit("gas"),
    series: [
      { label: `Oil (${unit("oil")})`, key: "oil", values: rows.map((r) => r.oil) },
      { label: `Water (${unit("water")})`, key: "water", values: rows.map((r) => r.water) },
      { label: `Gas (${unit("gas")})`, key: "gas", scale: "y2", values: rows.map((r) => r.gas) },
    ],
  }) };
}

function ratiosCard(months, url) {
  const box = chartBox("ratios-chart");
  const section = card("GOR and water cut, by month", url, "ratios", box);
  return { section, draw: () => timeChart(box, {
    x: months.map((m) => epoch(`${m.period}-01`)),
    yLabel: `GOR (${unit("gor")})`, y2Label: "water cut",
    series: [
      { label: `GOR (${unit("gor")})`, key: "gas", values: months.map((m) => m.gor) },
      { label: "Water cut", key: "water", scale: "y2", values: months.map((m) => m.water_cut) },
    ],
  }) };
}

export async function showWell(page, id, say) {
  const units = session.units;
  const wellId = encodeURIComponent(id);
  const dailyUrl = apiUrl("/v1/production/daily", { well_id: id, units, fields: "production_date,hours_on,oil,gas,water" });
  const ratiosUrl = apiUrl("/v1/production/rollup", { level: "well", grain: "month", well_id: id, units, fields: "period,oil,gas,water,gor,water_cut,uptime" });
  const fitUrl = apiUrl(`/v1/wells/${wellId}/forecast`, { units });
  const [well, days, months, fit, forecast] = await Promise.all([
    getJson(apiUrl(`/v1/wells/${wellId}`, { units })), getList(dailyUrl), getList(ratiosUrl),
    getOptional(apiUrl(`/v1/wells/${wellId}/decline`, { units })), getOptional(fitUrl),
  ]);
  const cards = [ratesCard(days, dailyUrl, fit, forecast, fitUrl), phasesCard(days, dailyUrl),
    cumulativeCard(days, dailyUrl), ratiosCard(months, ratiosUrl)];
  page.replaceChildren(el("h1", { text: well.well_name }), facts(well, fit),
    el("div", { class: "grid wide" }, ...cards.map((c) => c.section)));
  cards.forEach((c) => c.draw());
  const span = days.length ? `${showDay(days[0].production_date)} to ${showDay(days[days.length - 1].production_date)}` : "no days";
  say(`${well.well_name}: ${span}.`);
}

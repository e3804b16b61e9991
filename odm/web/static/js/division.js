// A division: production over time (daily, monthly, yearly), its wells, budget vs actual.
import { apiUrl, csvLink, getJson, getList, session } from "./api.js";
import { timeChart } from "./charts.js";
import {
  daysBefore, el, epoch, number, showDay, showMonth, unit, usd, volume,
} from "./format.js";
import { sortableTable } from "./table.js";

const DAILY_DAYS = 90;  // the daily view's window: a division's days are summed in the browser

function card(title, url, name, ...content) {
  const id = `${name.split("-")[0]}-title`;
  return el("section", { class: "card", "aria-labelledby": id },
    el("header", {}, el("h2", { id, text: title }), url ? csvLink(url, name) : null), ...content);
}

function sumByDay(rows) {
  const totals = new Map();
  for (const row of rows) {
    const day = totals.get(row.production_date) || { period: row.production_date, oil: 0, gas: 0, water: 0 };
    for (const phase of ["oil", "gas", "water"]) day[phase] += row[phase] || 0;
    totals.set(row.production_date, day);
  }
  return [...totals.values()].sort((a, b) => (a.period < b.period ? -1 : 1));
}

async function production(id, grain, lastDay) {
  const units = session.units;
  if (grain === "day") {
    const url = apiUrl("/v1/production/daily", {
      division_id: id, start: daysBefore(lastDay, DAILY_DAYS - 1), end: lastDay, units,
      fields: "production_date,oil,gas,water",
    });
    return { url, rows: sumByDay(await getList(url)) };
  }
  const url = apiUrl("/v1/production/rollup", {
    level: "division", grain, division_id: id, units, fields: "period,oil,gas,water,well_count",
  });
  return { url, rows: await getList(url) };
}

const periodDay = (period) => (period.length === 4 ? `${period}-01-01` : period.length === 7 ? `${period}-01` : period);

function productionChart(container, rows) {
  container.replaceChildren();
  timeChart(container, {
    x: rows.map((r) => epoch(periodDay(r.period))),
    yLabel: `oil, water (${unit("oil")})`,
    y2Label: `gas (${unit("gas")})`,
    series: [
      { label: `Oil (${unit("oil")})`, key: "oil", values: rows.map((r) => r.oil) },
      { label: `Water (${unit("water")})`, key: "water", values: rows.map((r) => r.water) },
      { label: `Gas (${unit("gas")})`, key: "gas", scale: "y2", values: rows.map((r) => r.gas) },
    ],
  });
}

async function productionCard(id, lastDay) {
  const chart = el("div", { class: "chart", id: "production-chart" });
  const grain = el("select", { id: "grain" },
    el("option", { value: "day", text: `daily (last ${DAILY_DAYS} days)` }),
    el("option", { value: "month", text: "monthly", selected: true }),
    el("option", { value: "year", text: "yearly" }));
  const header = el("header", {}, el("h2", { text: "Production" }));
  const section = el("section", { class: "card" }, header,
    el("div", { class: "controls" }, el("label", { for: "grain", text: "Period " }), grain,
      el("span", { class: "status", text: "Drag over the chart to zoom, double-click to reset." })),
    chart);
  const draw = async () => {
    const { url, rows } = await production(id, grain.value, lastDay);
    header.replaceChildren(el("h2", { text: "Production" }), csvLink(url, `production-${id}`));
    productionChart(chart, rows);
  };
  grain.addEventListener("change", draw);
  return { section, draw };
}

async function wellsCard(id, lastDay) {
  const units = session.units;
  const wellsUrl = apiUrl("/v1/wells", { division_id: id, units });
  const recentUrl = apiUrl("/v1/production/daily", {
    division_id: id, start: daysBefore(lastDay, DAILY_DAYS - 1), end: lastDay,
    fields: "well_id,production_date,hours_on,oil,gas",
  });
  const [wells, recent] = await Promise.all([getList(wellsUrl), getList(recentUrl)]);
  const lastOn = new Map();
  for (const row of recent) {
    if (row.hours_on > 0 || row.oil > 0 || row.gas > 0) lastOn.set(row.well_id, row.production_date);
  }
  const rows = wells.map((w) => ({ ...w, name: w.well_name, last: lastOn.get(w.well_id) || "" }));
  const search = el("input", { type: "search", id: "well-search", placeholder: "name" });
  const table = sortableTable([
    { key: "name", label: "Well", show: (w) => el("a", { href: `#/well/${w.well_id}`, text: w.well_name }) },
    { key: "well_type", label: "Type" },
    { key: "status", label: "Status" },
    { key: "last", label: "Last production", show: (w) => (w.last ? showDay(w.last) : `before ${showDay(daysBefore(lastDay, DAILY_DAYS - 1))}`) },
    { key: "cumulative_oil", label: `Cum. oil (${unit("oil")})`, show: (w) => volume(w.cumulative_oil) },
    { key: "cumulative_gas", label: `Cum. gas (${unit("gas")})`, show: (w) => volume(w.cumulative_gas) },
    { key: "cumulative_water", label: `Cum. water (${unit("water")})`, show: (w) => volume(w.cumulative_water) },
  ], rows, { search });
  return card("Wells", wellsUrl, `wells-${id}`,
    el("div", { class: "controls" }, el("label", { for: "well-search", text: "Search " }), search,
      el("span", {}, "Last production from ", csvLink(recentUrl, `recent-${id}`))),
    el("div", { class: "scroll" }, table));
}

function variance(row) {
  const [css, word] = row.favourable ? ["good", "▼ favourable"] : ["bad", "▲ unfavourable"];
  return el("span", { class: css, text: `${usd(row.variance)} (${number(row.variance_pct)} %) ${word}` });
}

async function budgetCard(id, lastDay) {
  const url = apiUrl("/v1/budget-vs-actual", {
    level: "division", grain: "month", division_id: id, year: lastDay.slice(0, 4), through: lastDay,
  });
  const rows = (await getList(url)).map((r) => ({ ...r, name: r.period }));
  const table = sortableTable([
    { key: "period", label: "Month", show: (r) => showMonth(r.period) },
    { key: "budget", label: "Budget (USD)", show: (r) => usd(r.budget) },
    { key: "actual_to_date", label: "Actual (USD)", show: (r) => usd(r.actual_to_date) },
    { key: "variance", label: "Variance", show: variance },
  ], rows);
  return card(`Budget vs actual spend, ${lastDay.slice(0, 4)}`, url, `budget-${id}`,
    el("div", { class: "scroll" }, table));
}

async function lastProductionDay(id) {
  const months = await getList(apiUrl("/v1/production/rollup", { level: "division", grain: "month", division_id: id, fields: "period" }));
  if (!months.length) return null;
  const month = months[months.length - 1].period;
  const days = await getList(apiUrl("/v1/production/daily", {
    division_id: id, start: `${month}-01`, sort: "-production_date", limit: 1, fields: "production_date",
  }));
  return days.length ? days[0].production_date : `${month}-01`;
}

export async function showDivision(page, id, say) {
  const division = await getJson(apiUrl(`/v1/divisions/${encodeURIComponent(id)}`));
  const lastDay = await lastProductionDay(division.division_id);
  page.replaceChildren(el("h1", { text: division.division_name || `Division ${id}` }));
  if (!lastDay) return say("No production recorded in this division.");
  const facts = el("dl", { class: "facts" },
    ...[["Wells", division.well_count], ["Producing", division.producing_wells],
      ["Shut in", division.shut_in_wells], ["Injectors", division.injectors],
      ["Last production", showDay(lastDay)]].map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: String(v) }))));
  const chart = await productionCard(division.division_id, lastDay);
  page.append(facts, chart.section);
  await chart.draw();
  const [wells, budget] = await Promise.all([wellsCard(division.division_id, lastDay), budgetCard(division.division_id, lastDay)]);
  page.append(wells, budget);
  say(`${division.division_name}: ${division.well_count} wells.`);
}

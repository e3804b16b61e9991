// Overview: each division's oil, gas and water for the last production day, month to date
// and year to date against the previous period; spend against budget; wells down; and what
// changed, live from the change feed.
import { apiUrl, csvLink, getList, session } from "./api.js";
import { followChanges } from "./feed.js";
import {
  change, clock, daysBefore, el, isoDay, monthsBefore, number, showDay, unit, usd, volume,
} from "./format.js";

const PHASES = ["oil", "gas", "water"];
const FEED_KEEP = 50;

function yesterday() {
  const now = new Date();
  return isoDay(new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() - 1)));
}

const last = (rows) => (rows.length ? rows[rows.length - 1] : null);

const PROBE_DAYS = 7;

async function latestDay(divisions, start, end) {
  const latest = await Promise.all(divisions.map((d) => getList(apiUrl("/v1/production/daily", {
    division_id: d.division_id, start, end, sort: "-production_date", limit: 1, fields: "production_date",
  }))));
  return last(latest.flat().map((r) => r.production_date).sort());
}

function monthEnd(period) {
  const [year, month] = period.split("-").map(Number);
  return isoDay(new Date(Date.UTC(year, month, 0)));
}

/** The likely last production day: yesterday, or the end of the latest month the monthly
 * aggregates (cheap at any size) hold if that is earlier; and that month. */
async function likelyDay(monthsPromise) {
  const end = yesterday();
  const month = last((await monthsPromise).filter((r) => r.period <= end.slice(0, 7)));
  if (!month) return { likely: end, month: null };
  return { likely: [monthEnd(month.period), end].sort()[0], month: month.period };
}

/** The last production day when the likely one has none: each division's latest day in the
 * week before it (a short index range per well), or else in the whole month. */
async function latestBefore(divisions, likely, month) {
  if (!month) return likely;
  return (await latestDay(divisions, daysBefore(likely, PROBE_DAYS - 1), likely))
    || (await latestDay(divisions, `${month}-01`, likely)) || likely;
}

const hasDay = (data, day) => [...data.days.values()].some((rows) => rows.some((r) => r.production_date === day));

// Producing wells only (a retired well is abandoned): those down on the day are among them.
const WELLS = apiUrl("/v1/wells", {
  status: "producing", fields: "well_id,well_name,division_id,first_production_date",
});

function urls(day) {
  const units = session.units;
  const cumulative = (asOf) => apiUrl("/v1/production/cumulative", { level: "division", as_of: asOf, units });
  return {
    now: cumulative(day),
    month: cumulative(monthsBefore(day, 1)),
    year: cumulative(monthsBefore(day, 12)),
    budget: apiUrl("/v1/budget-vs-actual", { level: "division", grain: "year", year: day.slice(0, 4), through: day }),
    wells: WELLS,
    days: (id) => apiUrl("/v1/production/daily", {
      division_id: id, start: daysBefore(day, 1), end: day, units,
      fields: "well_id,production_date,hours_on,oil,gas,water",
    }),
  };
}

const byEntity = (rows) => new Map(rows.map((r) => [r.entity_id, r]));

async function figures(divisions, day, wellList) {
  const u = urls(day);
  const [now, month, year, budget, wells, ...days] = await Promise.all([
    getList(u.now), getList(u.month), getList(u.year), getList(u.budget), wellList,
    ...divisions.map((d) => getList(u.days(d.division_id))),
  ]);
  return {
    urls: u, now: byEntity(now), month: byEntity(month), year: byEntity(year),
    budget: byEntity(budget), wells, days: new Map(divisions.map((d, i) => [d.division_id, days[i]])),
  };
}

function dayTotals(rows, day) {
  const totals = { oil: 0, gas: 0, water: 0 };
  for (const row of rows.filter((r) => r.production_date === day)) {
    for (const phase of PHASES) totals[phase] += row[phase] || 0;
  }
  return totals;
}

/** Producing wells (by status) with no hours on the day: 0 hours, or no row at all. */
function wellsDown(wells, rows, day) {
  const on = new Set(rows.filter((r) => r.production_date === day && r.hours_on > 0).map((r) => r.well_id));
  return wells.filter((w) => !on.has(w.well_id) && w.first_production_date && w.first_production_date <= day);
}

function cell(value, previous, label, figure) {
  const ratio = previous ? (value - previous) / Math.abs(previous) : NaN;
  return el("td", { "data-figure": figure, "data-value": value ?? "" }, volume(value), el("span", { class: "delta", text: `${change(ratio)} ${label}` }));
}

function productionTable(id, data, day) {
  const now = data.now.get(id) || {};
  const month = data.month.get(id) || {};
  const year = data.year.get(id) || {};
  const rows = data.days.get(id);
  const today = dayTotals(rows, day);
  const before = dayTotals(rows, daysBefore(day, 1));
  const head = el("tr", {}, el("th", { scope: "col", text: "" }),
    el("th", { scope: "col", text: showDay(day) }), el("th", { scope: "col", text: "Month to date" }),
    el("th", { scope: "col", text: "Year to date" }));
  const body = PHASES.map((phase) => el("tr", { "data-phase": phase },
    el("th", { scope: "row", text: `${phase[0].toUpperCase()}${phase.slice(1)} (${unit(phase)})` }),
    cell(today[phase], before[phase], "vs day before", `day_${phase}`),
    cell(now[`mtd_${phase}`], month[`mtd_${phase}`], "vs last month", `mtd_${phase}`),
    cell(now[`ytd_${phase}`], year[`ytd_${phase}`], "vs last year", `ytd_${phase}`)));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...body));
}

function budgetLine(row) {
  if (!row) return el("p", { text: "No budget this year." });
  const mark = row.favourable ? ["good", "▼ favourable"] : ["bad", "▲ unfavourable"];
  return el("p", { class: "budget" },
    `Spend to date ${usd(row.actual_to_date)} against budget ${usd(row.budget_to_date)}: `,
    el("strong", { class: mark[0], text: `${usd(row.variance)} (${number(row.variance_pct)} %) ${mark[1]}` }));
}

function downList(down) {
  if (!down.length) return el("p", { class: "down", text: "No producing well down." });
  const links = down.map((w) => el("a", { href: `#/well/${w.well_id}`, text: w.well_name }));
  const list = [];
  links.forEach((link, i) => list.push(...(i ? [", ", link] : [link])));
  return el("p", { class: "down", "data-down": down.map((w) => w.well_id).join(" ") }, el("strong", { text: `Wells down (${down.length}): ` }), ...list);
}

function divisionCard(division, data, day) {
  const id = division.division_id;
  const wells = data.wells.filter((w) => w.division_id === id);
  const down = wellsDown(wells, data.days.get(id), day);
  const links = el("span", {}, csvLink(data.urls.now, `cumulative-${id}`, "to date CSV"), " ",
    csvLink(data.urls.days(id), `daily-${id}`, "days CSV"), " ", csvLink(data.urls.budget, "budget", "budget CSV"));
  return el("section", { class: "card", "data-division": id, "aria-labelledby": `d${id}` },
    el("header", {}, el("h2", { id: `d${id}` },
      el("a", { href: `#/division/${id}`, text: division.division_name })), links),
    el("div", { class: "scroll" }, productionTable(id, data, day)),
    budgetLine(data.budget.get(id)), downList(down));
}

function describe(change) {
  const p = change.payload || {};
  const what = change.entity.replace("_", " ");
  if (change.entity === "daily_production" && change.kind === "upsert") {
    return `${what}: well ${change.well_id}, ${showDay(p.production_date)}: oil ${volume(p.oil)}, gas ${volume(p.gas)}, water ${volume(p.water)}`;
  }
  if (change.kind === "bulk") return `${what}: bulk write`;
  return `${what} ${change.kind}${change.well_id ? `: well ${change.well_id}` : ""}`;
}

function feedPanel() {
  const list = el("ul", { class: "feed", "aria-live": "polite", id: "feed" });
  const note = el("p", { class: "status", text: "Connecting to the change feed…" });
  const panel = el("section", { class: "card", "aria-labelledby": "feed-title" },
    el("header", {}, el("h2", { id: "feed-title", text: "Changes in the last hour (live)" })), note, list);
  const add = (change) => {
    const when = clock(change.changed_at);
    list.prepend(el("li", { class: "new", "data-change": change.change_id }, el("time", { datetime: change.changed_at, text: when }), ` ${describe(change)}`));
    while (list.children.length > FEED_KEEP) list.lastElementChild.remove();
    const hourAgo = Date.now() - 3600_000;
    for (const item of [...list.children]) {
      if (Date.parse(item.firstChild.getAttribute("datetime")) < hourAgo) item.remove();
    }
  };
  return { panel, add, connected: () => { note.textContent = "Live: new changes appear here as they are committed."; } };
}

/** A request started early: its failure is reported where it is awaited, if it is (a page
 * that fails first, say for want of a key, never awaits it). */
function handled(promise) {
  promise.catch(() => {});
  return promise;
}

export async function showOverview(page, _id, say, known) {
  // Two rounds of requests: the divisions, months and wells; then the likely day's figures,
  // whose daily rows show whether it had production (else the day is looked for, and its
  // figures fetched).
  const wells = handled(getList(WELLS));
  const months = handled(getList(apiUrl("/v1/production/rollup", { level: "company", grain: "month", fields: "period" })));
  const divisions = (await known).filter((d) => d.division_name && !d.retired_on);
  const { likely, month } = await likelyDay(months);
  const early = await figures(divisions, likely, wells);
  const day = hasDay(early, likely) ? likely : await latestBefore(divisions, likely, month);
  const grid = el("div", { class: "grid", id: "divisions" });
  const feed = feedPanel();
  page.replaceChildren(el("h1", { "data-day": day, text: `Production on ${showDay(day)}` }), grid, feed.panel);
  let first = day === likely ? early : null;
  const draw = async () => {
    const data = first || (await figures(divisions, day, wells));
    first = null;
    grid.replaceChildren(...divisions.map((d) => divisionCard(d, data, day)));
    performance.mark("odm:overview-drawn");  // what bench/dashboard.py measures
    say(`Last production day ${showDay(day)}; ${divisions.length} divisions.`);
  };
  await draw();
  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => draw().catch((e) => say(`Could not refresh: ${e.message}`)), 300);
  };
  const stopFeed = followChanges("?since_seconds=3600", {
    open: feed.connected,
    change: (c) => { feed.add(c); refresh(); },
    reset: refresh,
  });
  return () => {
    clearTimeout(pending);
    stopFeed();
  };
}

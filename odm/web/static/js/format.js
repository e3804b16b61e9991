// Numbers, dates and unit names in the user's locale and the units chosen.
import { session } from "./api.js";

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const fine = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, {
  style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero",
});
const money = new Intl.NumberFormat(undefined, {
  style: "currency", currency: "USD", maximumFractionDigits: 0,
});
const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const month = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", timeZone: "UTC" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

export const UNIT_NAMES = {
  field: { oil: "bbl", gas: "Mcf", water: "bbl", gor: "scf/bbl" },
  metric: { oil: "m³", gas: "Sm³", water: "m³", gor: "Sm³/Sm³" },
};

export function unit(phase) {
  return UNIT_NAMES[session.units][phase];
}

export const volume = (x) => (x === null || x === undefined ? "–" : whole.format(x));
export const number = (x) => (x === null || x === undefined ? "–" : fine.format(x));
export const usd = (x) => (x === null || x === undefined ? "–" : money.format(x));
export const change = (x) => (Number.isFinite(x) ? percent.format(x) : "–");
export const clock = (iso) => time.format(new Date(iso));

/** A YYYY-MM-DD day as a UTC Date. */
export function parseDay(text) {
  return new Date(`${text}T00:00:00Z`);
}

/** A Date as YYYY-MM-DD (UTC). */
export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export const showDay = (text) => (text ? day.format(parseDay(text)) : "–");
export const showMonth = (text) => month.format(parseDay(`${text.slice(0, 7)}-01`));

/** The same day n months earlier, clamped to the month's end (31 March - 1 month: 28/29 Feb). */
export function monthsBefore(text, n) {
  const date = parseDay(text);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - n, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0));
  target.setUTCDate(Math.min(date.getUTCDate(), last.getUTCDate()));
  return isoDay(target);
}

export function daysBefore(text, n) {
  const date = parseDay(text);
  date.setUTCDate(date.getUTCDate() - n);
  return isoDay(date);
}

/** Seconds since 1970 of a day (uPlot's time axis). */
export const epoch = (text) => parseDay(text).getTime() / 1000;

/** An element with attributes and children, for small DOM builders. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

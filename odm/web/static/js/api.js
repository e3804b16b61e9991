// The v1 API as the dashboard reads it: the caller's key, the units chosen, CSV links.
const KEY = "odm.key";
const UNITS = "odm.units";

export class AuthError extends Error {}

export const session = {
  key: sessionStorage.getItem(KEY) || "",
  units: localStorage.getItem(UNITS) || "field",
};

export function setKey(key) {
  session.key = key;
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export function setUnits(units) {
  session.units = units;
  localStorage.setItem(UNITS, units);
}

export function authHeaders() {
  return session.key ? { Authorization: `Bearer ${session.key}` } : {};
}

/** A same-origin API path with its query (empty values left out). */
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function failure(response) {
  let detail = response.statusText;
  try {
    const body = await response.json();
    detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch {
    // Not JSON: keep the status text.
  }
  if (response.status === 401) return new AuthError(detail);
  return new Error(`${response.status}: ${detail}`);
}

/** GET an API URL as JSON; 401 is an AuthError (ask for a key), other errors say why. */
export async function getJson(url) {
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  return response.json();
}

const PAGE = 10000;

function nextPage(response) {
  const link = response.headers.get("Link") || "";
  const match = link.match(/<([^>]+)>;\s*rel="next"/);
  return match ? match[1] : null;
}

/** GET a whole list page by page (`limit`, then each `Link: rel="next"`): pages do not count
 * against the caller's exports at once (ODM_MAX_EXPORTS), so a page may load many lists. */
export async function getList(url) {
  const rows = [];
  let next = url.includes("limit=") ? url : `${url}${url.includes("?") ? "&" : "?"}limit=${PAGE}`;
  while (next) {
    const response = await fetch(next, { headers: authHeaders() });
    if (!response.ok) throw await failure(response);
    rows.push(...(await response.json()));
    next = url.includes("limit=") ? null : nextPage(response);
  }
  return rows;
}

/** GET the JSON of an API URL, or null when it answers 404 or 422 (nothing to show). */
export async function getOptional(url) {
  const response = await fetch(url, { headers: authHeaders() });
  if (response.status === 404 || response.status === 422) return null;
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** The CSV version of a JSON API URL. */
export function csvUrl(url) {
  const [path, query = ""] = url.split("?");
  const params = new URLSearchParams(query);
  params.set("format", "csv");
  return `${path}?${params}`;
}

/** A link to the CSV of an API URL: its href is the API URL itself; a click downloads it
 * with the caller's key (a plain link cannot send the Authorization header). */
export function csvLink(url, name = "data", label = "CSV") {
  const link = document.createElement("a");
  link.className = "csv";
  link.href = csvUrl(url);
  link.textContent = label;
  link.title = `Download as CSV: ${link.href}`;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(link.href, { headers: authHeaders() });
    if (!response.ok) throw await failure(response);
    const blob = await response.blob();
    const save = document.createElement("a");
    save.href = URL.createObjectURL(blob);
    save.download = `${name}.csv`;
    save.click();
    URL.revokeObjectURL(save.href);
  });
  return link;
}

// The dashboard's shell: sign-in, navigation by the URL's #fragment, units, errors.
import { AuthError, apiUrl, getList, session, setKey, setUnits } from "./api.js";
import { el } from "./format.js";

const page = document.getElementById("page");
const status = document.getElementById("status");
const login = document.getElementById("login");
let stopPage = () => {};
let divisions = Promise.resolve([]);

export function say(text) {
  status.textContent = text;
}

// Each page's module (and the charting library) loads only when that page is shown.
async function route() {
  const [, kind, id] = location.hash.replace(/^#/, "").split("/");
  if (kind === "division" && id) return { show: (await import("./division.js")).showDivision, id };
  if (kind === "well" && id) return { show: (await import("./well.js")).showWell, id };
  return { show: (await import("./overview.js")).showOverview, id: null };
}

async function navigation() {
  const divisions = await getList(apiUrl("/v1/divisions"));
  const nav = document.getElementById("nav");
  nav.replaceChildren(
    el("a", { href: "#/", text: "Overview" }),
    ...divisions
      .filter((d) => d.division_name)
      .map((d) => el("a", { href: `#/division/${d.division_id}`, text: d.division_name })),
  );
  return divisions;
}

function markCurrent() {
  for (const link of document.querySelectorAll("#nav a")) {
    const current = link.getAttribute("href") === (location.hash || "#/");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// Each page draws into its own view: one still loading when the user moves on draws into a
// view no longer shown, says nothing, and is stopped as soon as it returns.
async function render() {
  stopPage();
  stopPage = () => {};
  markCurrent();
  const view = el("div");
  page.replaceChildren(view);
  const sayHere = (text) => view.isConnected && say(text);
  sayHere("Loading…");
  try {
    const { show, id } = await route();
    const stop = (await show(view, id, sayHere, divisions)) || (() => {});
    if (view.isConnected) stopPage = stop;
    else stop();
  } catch (error) {
    if (!view.isConnected) return;
    if (error instanceof AuthError) return askForKey(error.message);
    say(`Could not load this page: ${error.message}`);
  }
}

function askForKey(message) {
  document.getElementById("login-error").textContent = session.key ? message : "";
  document.getElementById("signout").hidden = true;
  say("Sign in to see your divisions.");
  if (!login.open) login.showModal();
  document.getElementById("login-key").focus();
}

async function start() {
  // The navigation's divisions load while the page starts its own requests; a page that
  // needs them awaits the promise. A missing key fails both: the page's error asks for one.
  divisions = navigation();
  divisions.catch(() => {});
  document.getElementById("signout").hidden = !session.key;
  await render();
}

document.getElementById("login-form").addEventListener("submit", () => {
  setKey(document.getElementById("login-key").value.trim());
  document.getElementById("login-key").value = "";
  start();
});
login.addEventListener("cancel", (event) => event.preventDefault());
document.getElementById("signout").addEventListener("click", () => {
  setKey("");
  stopPage();
  page.replaceChildren();
  document.getElementById("nav").replaceChildren();
  askForKey("");
});
const units = document.getElementById("units");
units.value = session.units;
units.addEventListener("change", () => {
  setUnits(units.value);
  render();
});
window.addEventListener("hashchange", render);
start();

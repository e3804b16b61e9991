// A sortable, searchable table: click (or Enter on) a column's header to sort by it.
import { el } from "./format.js";

/** columns: [{key, label, show(row) -> text or node, numeric}]; rows: objects. */
export function sortableTable(columns, rows, { search = null, caption = "" } = {}) {
  let order = { key: columns[0].key, descending: false };
  const body = el("tbody");
  const headers = columns.map((column) => {
    const button = el("button", { type: "button", text: column.label });
    const th = el("th", { scope: "col", "aria-sort": "none" }, button);
    button.addEventListener("click", () => {
      order = { key: column.key, descending: order.key === column.key && !order.descending };
      draw();
    });
    return th;
  });
  const draw = () => {
    const needle = search ? search.value.trim().toLowerCase() : "";
    const shown = rows.filter((row) => !needle || String(row.name ?? "").toLowerCase().includes(needle));
    const sign = order.descending ? -1 : 1;
    shown.sort((a, b) => {
      const x = a[order.key] ?? "";
      const y = b[order.key] ?? "";
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    body.replaceChildren(...shown.map((row) => el("tr", {}, ...columns.map((c, i) => {
      const value = c.show ? c.show(row) : String(row[c.key] ?? "–");
      return i ? el("td", {}, value) : el("th", { scope: "row" }, value);
    }))));
    headers.forEach((th, i) => {
      const sorted = columns[i].key === order.key;
      th.setAttribute("aria-sort", sorted ? (order.descending ? "descending" : "ascending") : "none");
    });
  };
  if (search) search.addEventListener("input", draw);
  draw();
  return el("table", {}, caption ? el("caption", { text: caption }) : null,
    el("thead", {}, el("tr", {}, ...headers)), body);
}

// Small helpers shared by every view. Every value from the API goes on the page as
// text (textContent, attribute setters): callsigns, registrations and operators come
// from transponders and registries and are never parsed as HTML.

export const $ = (id) => document.getElementById(id);

export async function api(path, options) {
  const r = await fetch(path, options);
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return r.json();
}

export function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

export function row(cells, tag = "td") {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? wrap(tag, c) : el(tag, c ?? ""));
  return tr;
}

function wrap(tag, node) {
  const cell = document.createElement(tag);
  cell.appendChild(node);
  return cell;
}

export function fill(table, head, rows) {
  table.replaceChildren(row(head, "th"), ...rows);
}

// "2023-06-24T06:16:58.658448Z" -> "2023-06-24 06:16:58Z" (to the second, UTC)
export function utc(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

// the same instant in the browser's time zone, named
const LOCAL = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  second: "2-digit", hour12: false, timeZoneName: "short",
});
export function local(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? "" : LOCAL.format(d);
}

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return "";
  return Number(v).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

// the query string of a form's filled fields
export function formQuery(form) {
  return new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
}

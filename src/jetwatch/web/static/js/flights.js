// Flight search: readable times (UTC and the browser's zone, to the second), sortable
// columns, how each airport was found on hover, export through the library's output
// layer (/api/flights/export), and a click replays the flight on the map with the
// traffic around it.

import { $, api, el, fill, row, utc, local, num, formQuery } from "./util.js";
import * as state from "./state.js";

const COLUMNS = [
  ["take-off (UTC)", (f) => f.takeoff || f.first_seen, (f) => (f.takeoff ? utc(f.takeoff) : `first seen ${utc(f.first_seen)}`)],
  ["local", (f) => f.takeoff || f.first_seen, (f) => local(f.takeoff || f.first_seen)],
  ["aircraft", (f) => f.registration || f.icao24, (f) => f.registration || f.icao24],
  ["type", (f) => f.typecode || "", (f) => f.typecode],
  ["callsign", (f) => f.callsign || "", (f) => f.callsign],
  ["from", (f) => f.origin || "", (f) => f.origin || "unknown"],
  ["to", (f) => f.destination || "", (f) => f.destination || "unknown"],
  ["landing (UTC)", (f) => f.landing || f.last_seen, (f) => (f.landing ? utc(f.landing) : `last seen ${utc(f.last_seen)}`)],
];
let flights = [];
let order = { col: 0, dir: 1 };

function how(f, end) {
  const m = f[`${end}_method`];
  if (!f[end]) return end === "origin" ? "origin unknown: first seen airborne or far from any airport" : "destination unknown: last seen airborne or far from any airport";
  const parts = [`found by ${m || "?"}`, `confidence ${f[`${end}_confidence`] || "?"}`];
  if (f[`${end}_runway`]) parts.push(`runway ${f[`${end}_runway`]}`);
  if (f[`${end}_distance_km`] != null) parts.push(`${num(f[`${end}_distance_km`], 1)} km away`);
  if (f[`${end}_reason`]) parts.push(f[`${end}_reason`]);
  return parts.join("; ");
}

function draw(onPick) {
  const [, key] = COLUMNS[order.col];
  const sorted = [...flights].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * order.dir);
  const head = document.createElement("tr");
  COLUMNS.forEach(([name], i) => {
    const th = el("th", null, { "aria-sort": i === order.col ? (order.dir > 0 ? "ascending" : "descending") : "none" });
    const b = el("button", `${name}${i === order.col ? (order.dir > 0 ? " ▲" : " ▼") : ""}`, { type: "button", class: "sort" });
    b.addEventListener("click", () => { order = { col: i, dir: i === order.col ? -order.dir : 1 }; draw(onPick); state.changed(); });
    th.append(b);
    head.append(th);
  });
  const rows = sorted.map((f) => {
    const tr = row(COLUMNS.map(([, , show]) => show(f)));
    tr.className = "pick";
    tr.tabIndex = 0;
    tr.cells[5].title = how(f, "origin");
    tr.cells[6].title = how(f, "destination");
    if (!f.origin) tr.cells[5].className = "unknown";
    if (!f.destination) tr.cells[6].className = "unknown";
    tr.addEventListener("click", () => onPick(f));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") onPick(f); });
    return tr;
  });
  $("flight-table").replaceChildren(head, ...rows);
}

async function search(onPick) {
  const q = formQuery($("flight-form"));
  const d = await api(`api/flights?${q}`);
  flights = d.flights;
  $("flight-count").textContent = `${num(flights.length)} flight(s); hover an airport for how it was found; click a flight to replay it`;
  for (const fmt of ["csv", "geojson", "kml"]) {
    const a = $(`export-${fmt}`);
    a.href = `api/flights/export?format=${fmt}&${q}`;
    a.hidden = false;
  }
  draw(onPick);
  state.changed();
}

export function setup(onPick) {
  $("flight-form").addEventListener("submit", (ev) => { ev.preventDefault(); search(onPick).catch((e) => { $("flight-count").textContent = String(e); }); });
  state.register(
    () => ({ ...state.saveForm($("flight-form"), "f_"), fsort: flights.length ? `${order.col}${order.dir > 0 ? "a" : "d"}` : null }),
    (q) => {
      const s = q.get("fsort");
      if (s) order = { col: Math.min(COLUMNS.length - 1, parseInt(s, 10) || 0), dir: s.endsWith("d") ? -1 : 1 };
      if (state.restoreForm($("flight-form"), "f_", q)) search(onPick).catch((e) => { $("flight-count").textContent = String(e); });
    },
  );
}

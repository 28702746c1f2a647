// jetwatch web app. Every value from the API is put on the page as text
// (textContent, createTextNode, attribute setters): callsigns and registrations
// come from transponders and are never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const api = async (path, options) => {
  const r = await fetch(path, options);
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return r.json();
};
const el = (tag, text, attrs) => {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};
const row = (cells, tag = "td") => {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(el(tag, c ?? ""));
  return tr;
};
const fill = (table, head, rows) => {
  table.replaceChildren(row(head, "th"), ...rows);
};

// tabs
for (const b of document.querySelectorAll("nav button")) {
  b.addEventListener("click", () => {
    document.querySelectorAll("nav button, .tab").forEach((x) => x.classList.remove("active"));
    b.classList.add("active");
    $(`tab-${b.dataset.tab}`).classList.add("active");
    if (b.dataset.tab === "flights") flightMap.invalidateSize();
    if (b.dataset.tab === "watch") loadWatch();
  });
}

// maps with the offline basemap
const basemap = (m) => api("api/borders").then((g) =>
  L.geoJSON(g, { style: { color: "#aaa", weight: 0.6, fillColor: "#fbfaf5", fillOpacity: 1 } }).addTo(m));
const map = L.map("map", { preferCanvas: true, worldCopyJump: true }).setView([55.75, 37.6], 5);
const flightMap = L.map("flight-map", { preferCanvas: true }).setView([55.75, 37.6], 4);
basemap(map); basemap(flightMap);

const markers = L.layerGroup().addTo(map);
let trail = null, selected = null, current = [];

const colour = (a) => ({ business_jet: "#c0392b", airliner: "#1f4e79", helicopter: "#27ae60",
  military: "#6c3483", government: "#d35400" }[a.class] || "#555");

function keep(a) {
  const cls = $("f-class").value, cat = $("f-category").value.trim().toLowerCase();
  const cs = $("f-callsign").value.trim().toUpperCase();
  const lo = parseFloat($("f-altmin").value), hi = parseFloat($("f-altmax").value);
  if (cls && a.class !== cls) return false;
  if (cat && !(a.categories || []).some((c) => c.toLowerCase() === cat)) return false;
  if (cs && !(a.callsign || "").toUpperCase().includes(cs)) return false;
  if (!isNaN(lo) && !(a.altitude >= lo)) return false;
  if (!isNaN(hi) && !(a.altitude <= hi)) return false;
  return true;
}

function draw() {
  markers.clearLayers();
  let n = 0;
  for (const a of current) {
    if (!keep(a)) continue;
    n += 1;
    const m = L.circleMarker([a.lat, a.lon], { radius: a.icao24 === selected ? 7 : 4,
      color: colour(a), weight: 1, fillOpacity: 0.8 });
    // a DOM node, never a string: Leaflet puts a string tooltip in as HTML
    m.bindTooltip(el("span", `${a.registration || a.icao24} ${a.callsign || ""}`.trim()));
    m.on("click", () => select(a.icao24));
    m.addTo(markers);
  }
  $("map-status").textContent = `${n} aircraft shown of ${current.length}`;
  if (!selected) list();
}

function list() {
  const t = el("table", null, { id: "aircraft-list" });
  const shown = current.filter(keep).slice(0, 300);
  fill(t, ["aircraft", "callsign", "type", "alt ft"], shown.map((a) => {
    const tr = row([a.registration || a.icao24, a.callsign, a.typecode, a.altitude]);
    tr.className = "pick";
    tr.dataset.icao = a.icao24;
    tr.addEventListener("click", () => select(a.icao24));
    return tr;
  }));
  $("detail").replaceChildren(el("p", "Select an aircraft on the map or in the list."), t);
}

async function refresh() {
  try {
    const d = await api("api/aircraft?minutes=5");
    current = d.aircraft;
    draw();
  } catch (e) { $("map-status").textContent = String(e); }
}

async function select(icao) {
  selected = icao;
  draw();
  const d = await api(`api/aircraft/${encodeURIComponent(icao)}`);
  const a = d.aircraft, box = $("detail");
  const dl = document.createElement("dl");
  const live = current.find((x) => x.icao24 === icao) || {};
  for (const [k, v] of [["hex", a.icao24], ["registration", a.registration], ["type", a.typecode],
    ["operator", a.operator], ["class", a["class"]], ["country", a.country],
    ["categories", (a.categories || []).join(", ")], ["callsign", live.callsign],
    ["altitude ft", live.altitude], ["speed kt", live.ground_speed == null ? null : Math.round(live.ground_speed)],
    ["squawk", live.squawk]]) {
    dl.append(el("dt", k), el("dd", v ?? ""));
  }
  const t = el("table");
  fill(t, ["take-off", "from", "to"], d.flights.map((f) => row([f.takeoff || f.first_seen, f.origin, f.destination])));
  const back = el("button", "Back to the list");
  back.addEventListener("click", () => { selected = null; if (trail) trail.remove(); draw(); });
  box.replaceChildren(back, el("h3", a.registration || icao, { id: "detail-title" }), dl, el("h4", "Flights"), t);
  if (trail) trail.remove();
  trail = L.polyline(d.trail.map((p) => [p[1], p[0]]), { color: "#000", weight: 2 }).addTo(map);
  if (live.lat !== undefined) map.panTo([live.lat, live.lon]);
}

["f-class", "f-category", "f-callsign", "f-altmin", "f-altmax"].forEach((id) => $(id).addEventListener("input", draw));
for (const c of ["business_jet", "airliner", "helicopter", "military", "government", "unknown"]) $("f-class").append(el("option", c, { value: c }));
api("api/info").then((d) => {
  $("label").textContent = (d.labels || []).join("; ");
  if (d.tiles) {  // online tiles, when the config names them; the borders stay on top
    for (const m of [map, flightMap]) L.tileLayer(d.tiles, { attribution: d.tiles_attribution, maxZoom: 18 }).addTo(m).bringToBack();
  }
});
map.whenReady(() => { map.invalidateSize(); map.setView([55.75, 37.6], 5); });
refresh();
setInterval(refresh, 5000);

// flight search and playback
let track = null, plane = null, timer = null;
$("flight-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams([...new FormData(ev.target)].filter(([, v]) => v));
  const d = await api(`api/flights?${q}`);
  fill($("flight-table"), ["take-off", "aircraft", "from", "to"], d.flights.map((f) => {
    const tr = row([f.takeoff || f.first_seen, f.registration || f.icao24, f.origin, f.destination]);
    tr.className = "pick";
    tr.addEventListener("click", () => play(f.id));
    return tr;
  }));
});

async function play(id) {
  const d = await api(`api/flights/${encodeURIComponent(id)}`);
  const pts = d.track.map((p) => [p.lat, p.lon]);
  if (track) track.remove();
  if (plane) plane.remove();
  clearInterval(timer);
  track = L.polyline(pts, { color: "#c0392b" }).addTo(flightMap);
  flightMap.fitBounds(track.getBounds());
  plane = L.circleMarker(pts[0], { radius: 6, color: "#000" }).addTo(flightMap);
  let k = 0;
  const step = Math.max(1, Math.floor(pts.length / 300));
  timer = setInterval(() => { k = Math.min(k + step, pts.length - 1); plane.setLatLng(pts[k]); if (k === pts.length - 1) clearInterval(timer); }, 30);
}

// areas for the exodus dashboard and reports
api("api/areas").then((d) => {
  for (const a of d.areas) {
    $("exodus-area").append(el("option", a.title, { value: a.name }));
    $("report-area").append(el("option", a.title, { value: a.name }));
  }
});

const SVG = "http://www.w3.org/2000/svg";
const svgEl = (tag, attrs) => { const e = document.createElementNS(SVG, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };

$("exodus-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams([...new FormData(ev.target)].filter(([, v]) => v));
  const d = await api(`api/exodus?${q}`);
  $("label").textContent = (d.labels || []).join("; ");
  const cover = d.coverage === null ? "coverage unmeasured" : `coverage ${Math.round(100 * d.coverage)}%`;
  $("exodus-head").replaceChildren();
  const lead = document.createElement("p"), scan = document.createElement("p");
  lead.className = "headline";
  lead.textContent = d.headline;
  scan.textContent = `live scan: ${d.surges.length} surge(s) at ${d.false_alarms_per_year} false alarm(s) per area-year; ${cover}`;
  $("exodus-head").append(lead, scan);
  const chart = $("exodus-chart"), b = d.buckets, w = 860 / b.length;
  const top = Math.max(1, ...b.map((x) => Math.max(x.observed, x.high || 0)));
  const y = (v) => 210 - 200 * v / top;
  chart.replaceChildren();
  b.forEach((x, i) => { if (x.surge) chart.append(svgEl("rect", { x: 40 + i * w, y: 10, width: w, height: 200, class: "surge" })); });
  const at = (t) => b.findIndex((x) => x.start === t);
  d.blackouts.forEach((g) => {
    const first = at(g.start), last = b.findIndex((x) => x.end === g.end);
    if (first < 0 || last < 0) return;
    const shade = svgEl("rect", { x: 40 + first * w, y: 10, width: (last - first + 1) * w, height: 200, class: "blackout" });
    const tip = svgEl("title", {});
    tip.textContent = `blackout ${g.start} to ${g.end}: ${Math.round(100 * g.coverage)}% of the usual traffic heard`;
    shade.append(tip);
    chart.append(shade);
  });
  if (b.length && b[0].expected !== undefined) {
    const up = b.map((x, i) => `${40 + (i + 0.5) * w},${y(x.high)}`), down = b.map((x, i) => `${40 + (i + 0.5) * w},${y(x.low)}`).reverse();
    chart.append(svgEl("polygon", { points: up.concat(down).join(" "), class: "band" }));
    chart.append(svgEl("polyline", { points: b.map((x, i) => `${40 + (i + 0.5) * w},${y(x.expected)}`).join(" "), class: "exp" }));
  }
  b.forEach((x, i) => {
    if (x.observed) chart.append(svgEl("rect", { x: 40 + i * w + w * 0.2, y: y(x.observed), width: w * 0.6, height: 200 * x.observed / top, class: "obs" }));
    if (i % 3 === 0) { const t = svgEl("text", { x: 40 + i * w, y: 230, class: "tick" }); t.textContent = x.start.slice(11, 16); chart.append(t); }
  });
  fill($("exodus-surges"), ["start", "end", "flagged at", "observed", "expected", "excess (95%)"],
    d.surges.map((s) => row([s.start, s.end, s.flagged_at, s.observed, s.expected.toFixed(1),
      `${Math.round(s.excess)} (${s.excess_low}–${s.excess_high})`])));
  const al = await api("api/alerts?limit=200");
  fill($("exodus-alerts"), ["time", "alert", "status"], al.alerts.filter((a) => a.event === "surge").map((a) => row([a.time, a.title, a.status])));
});

// watchlist and alerts
async function loadWatch() {
  const w = await api("api/watchlist");
  fill($("watch-table"), ["id", "kind", "value", "exclude", "note", "category", ""],
    w.entries.map((e) => {
      const tr = row([e.id, e.kind, e.value, e.exclude ? "yes" : "", e.note, e.category]);
      if (w.editable) {
        const b = el("button", "remove", { class: "remove", "data-id": e.id });
        b.addEventListener("click", () => removeEntry(e.id));
        tr.appendChild(el("td")).appendChild(b);
      }
      return tr;
    }));
  if (!w.editable) $("watch-status").textContent = "read-only (no token configured)";
  const a = await api("api/alerts?limit=100");
  fill($("alert-table"), ["time", "alert", "status"], a.alerts.map((x) => row([x.time, x.title, x.status])));
}
async function removeEntry(id) {
  const token = new FormData($("watch-form")).get("token");
  try {
    await api(`api/watchlist/${encodeURIComponent(id)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
    $("watch-status").textContent = "removed";
    loadWatch();
  } catch (e) { $("watch-status").textContent = String(e); }
}
$("watch-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    await api("api/watchlist", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${f.get("token")}` },
      body: JSON.stringify({ kind: f.get("kind"), value: f.get("value"), note: f.get("note") || null, exclude: f.get("exclude") === "on" }) });
    $("watch-status").textContent = "added";
    loadWatch();
  } catch (e) { $("watch-status").textContent = String(e); }
});

// reports
for (const [form, kind] of [["report-form", "exodus"], ["aircraft-report-form", "aircraft"]]) {
  $(form).addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams([...new FormData(ev.target)].filter(([, v]) => v));
    const a = el("a", "Open the report", { href: `api/report/${kind}?${q}`, target: "_blank", rel: "noopener", id: "report-anchor" });
    $("report-link").replaceChildren(a);
  });
}

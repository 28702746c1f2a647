// The live map and its replay. Live: the picture (/api/aircraft) every second.
// Replay: the picture at time T (the same call with ?at=T&minutes=1), T advancing at
// the chosen speed, every aircraft at T shown with its trail. The map worker fetches,
// filters and draws; this module keeps the controls, the list and the selected
// aircraft's panel. Filters, labels, trails, the selection and T are in the permalink.

import { $, api, el, fill, row, utc, num } from "./util.js";
import * as state from "./state.js";
import { AircraftLayer } from "./layer.js";
import { legend } from "./scale.js";
import { panel } from "./detail.js";

const CLASSES = ["business_jet", "airliner", "helicopter", "military", "government", "unknown"];

export const map = L.map("map", { worldCopyJump: true }).setView([55.75, 37.6], 6);
const layer = new AircraftLayer(drawn).addTo(map);
const areas = {};
let now = null;
let selected = null;
let selectedRow = {};
const replay = { on: false, playing: false, t: null, speed: 60, wall: 0, busy: false };

const href = (path) => new URL(path, document.baseURI).href;
// the replay's time as shown, asked for and linked: whole seconds (T runs finer)
const second = () => new Date(Math.floor(replay.t / 1000) * 1000).toISOString().replace(".000Z", "Z");
const at = (sep) => (replay.on && replay.t !== null ? `${sep}at=${encodeURIComponent(second())}` : "");

// -- what the worker drew ---------------------------------------------------------

function drawn(m) {
  const began = performance.now();
  now = m.now;
  $("clock").textContent = `${replay.on ? "replay" : "data time"} ${now ? utc(now) : "no data"}`;
  $("map-status").textContent = `${num(m.shown)} of ${num(m.total)} aircraft shown`;
  for (const c of m.categories) $("f-category").append(el("option", c, { value: c }));
  if (m.selected) selectedRow = m.selected;
  if (!selected && (m.reason === "load" || m.reason === "filters" || m.reason === "trails")) list(m.list, m.shown);
  performance.measure("jetwatch-draw", { start: began - m.drawMs, duration: m.drawMs });
  performance.measure("jetwatch-render", { start: began });
}

function list(rows, total) {
  const t = el("table", null, { id: "aircraft-list" });
  fill(t, ["aircraft", "callsign", "type", "alt ft"], rows.map((a) => {
    const tr = row([a.registration || a.icao24, a.callsign, a.typecode, a.on_ground ? "ground" : num(a.altitude)]);
    tr.className = "pick";
    tr.tabIndex = 0;
    tr.addEventListener("click", () => select(a.icao24));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") select(a.icao24); });
    return tr;
  }));
  const more = total > rows.length ? ` (the first ${rows.length} of ${num(total)})` : "";
  $("detail").replaceChildren(el("p", `Select an aircraft on the map or in the list${more}.`), t);
}

// -- data ------------------------------------------------------------------------

// the map is aria-busy while a picture or its trails are on their way (a paused replay
// can still be drawing the picture asked for before the pause)
let loading = 0;
async function busy(work) {
  loading += 1;
  $("map").setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    loading -= 1;
    $("map").setAttribute("aria-busy", String(loading > 0));
  }
}

const load = () => busy(async () => {
  await layer.ask("load", { url: href(`api/aircraft?minutes=${replay.on ? 1 : 5}${at("&")}`) });
  if (selected) await detail(false);
});

// the trails of all traffic over the 10 minutes before the picture, from the store
const loadTrails = () => busy(() => layer.ask("trails", { url: href(`api/trails${at("?")}`) }));

function filters() {
  layer.tell("filters", { filters: {
    cls: $("f-class").value, category: $("f-category").value, area: areas[$("f-area").value] || null,
    ground: $("f-ground").value, altmin: $("f-altmin").value, altmax: $("f-altmax").value, find: $("f-find").value,
  } });
}

function options() {
  layer.tell("options", { options: { labels: $("t-labels").checked, trails: $("t-trails").checked, selected } });
}

async function select(hex) {
  selected = hex;
  selectedRow = {};
  options();
  state.changed();
  await detail(true);
}

function deselect() {
  selected = null;
  layer.tell("options", { options: { selected: null, selectedTrail: null } });
  state.changed();
  load().catch(status);
}

async function detail(pan) {
  const hex = selected;
  const d = await api(`api/aircraft/${encodeURIComponent(hex)}${at("?")}`);
  if (hex !== selected) return;
  const live = selectedRow.icao24 === hex ? selectedRow : {};
  $("detail").replaceChildren(...panel(d.aircraft, live, d.flights, now, deselect));
  layer.tell("options", { options: { selectedTrail: d.trail.map((p) => [p[1], p[0], p[2], false]) } });
  if (pan && live.lat !== undefined) map.panTo([live.lat, live.lon]);
}

// -- replay ----------------------------------------------------------------------

function dayStart() {
  const day = $("r-day").value;
  return day ? Date.parse(`${day}T00:00:00Z`) : null;
}

function showReplay() {
  $("replay-bar").hidden = !replay.on;
  $("r-play").textContent = replay.playing ? "Pause" : "Play";
  $("r-play").setAttribute("aria-pressed", String(replay.playing));
  if (replay.t !== null && dayStart() !== null) $("r-slider").value = String(Math.round((replay.t - dayStart()) / 1000));
}

export function startReplay(t, hex) {
  replay.on = true;
  $("r-mode").value = "replay";
  $("r-day").value = new Date(t).toISOString().slice(0, 10);
  if (hex) { selected = hex; options(); }
  jump(t);
}

function jump(t) {
  replay.t = t;
  layer.tell("clear");
  showReplay();
  state.changed();
  load().then(() => ($("t-trails").checked ? loadTrails() : null)).catch(status);
}

function tick() {
  const wall = performance.now();
  const dt = (wall - replay.wall) / 1000;
  replay.wall = wall;
  if (!replay.on || !replay.playing || replay.busy || replay.t === null) return;
  replay.t += dt * replay.speed * 1000;
  const end = dayStart() + 86_400_000;
  if (replay.t >= end) { replay.t = end - 1000; replay.playing = false; }
  showReplay();
  replay.busy = true;
  load().catch(status).finally(() => { replay.busy = false; state.changed(); });
}

function status(e) { $("map-status").textContent = String(e); }

// -- controls --------------------------------------------------------------------

function toggle(id, on) {
  const box = $(id);
  box.checked = on === undefined ? !box.checked : on;
  if (id === "t-trails" && box.checked) loadTrails().catch(status);
  options();
  state.changed();
}

export function setup(areaList) {
  for (const c of CLASSES) $("f-class").append(el("option", c.replace("_", " "), { value: c }));
  for (const a of areaList) {
    if (!a.centre || !a.radius_km) continue;
    areas[a.name] = a;
    $("f-area").append(el("option", a.title, { value: a.name }));
  }
  for (const id of ["f-class", "f-category", "f-area", "f-ground", "f-altmin", "f-altmax", "f-find"]) {
    $(id).addEventListener("input", () => { filters(); state.changed(); });
  }
  $("t-labels").addEventListener("change", () => toggle("t-labels", $("t-labels").checked));
  $("t-trails").addEventListener("change", () => toggle("t-trails", $("t-trails").checked));
  $("r-mode").addEventListener("change", () => {
    replay.on = $("r-mode").value === "replay";
    replay.playing = false;
    layer.tell("clear");
    if (replay.on && !$("r-day").value && now) $("r-day").value = now.slice(0, 10);
    if (replay.on) jump(dayStart() + 8 * 3_600_000); else { showReplay(); state.changed(); load().catch(status); }
  });
  $("r-play").addEventListener("click", () => { replay.playing = !replay.playing; replay.wall = performance.now(); showReplay(); });
  $("r-speed").addEventListener("change", () => { replay.speed = Number($("r-speed").value); state.changed(); });
  $("r-slider").addEventListener("input", () => jump(dayStart() + 1000 * Number($("r-slider").value)));
  $("r-day").addEventListener("change", () => { if (dayStart() !== null) jump(dayStart() + 8 * 3_600_000); });
  map.on("click", async (e) => { const hex = await layer.hit(e.containerPoint); if (hex) select(hex); });
  map.on("moveend", state.changed);
  $("legend").append(el("canvas", null, { id: "legend-scale", role: "img", "aria-label": "altitude colours: ground grey, then from orange at 0 ft through green, cyan and blue to magenta at 40,000 ft" }));
  legend($("legend-scale"));
  state.register(save, restoreFrom);
  setInterval(() => { if (!replay.on) load().catch(status); }, 1000);
  setInterval(tick, 250);
}

export function keys(e) {
  const k = e.key;
  if (k === "l" || k === "L") toggle("t-labels");
  else if (k === "t" || k === "T") toggle("t-trails");
  else if (k === "Escape") deselect();
  else if (k === "/") { e.preventDefault(); $("f-find").focus(); }
  else if (k === " " && replay.on) { e.preventDefault(); $("r-play").click(); }
  else if (k === "]" && replay.on) step(1);
  else if (k === "[" && replay.on) step(-1);
  else return false;
  return true;
}

function step(dir) {
  const box = $("r-speed");
  box.selectedIndex = Math.max(0, Math.min(box.options.length - 1, box.selectedIndex + dir));
  replay.speed = Number(box.value);
  state.changed();
}

// -- permalink -------------------------------------------------------------------

function save() {
  const c = map.getCenter();
  return {
    lat: c.lat.toFixed(4), lon: c.lng.toFixed(4), z: map.getZoom(), sel: selected,
    class: $("f-class").value, cat: $("f-category").value, area: $("f-area").value,
    amin: $("f-altmin").value, amax: $("f-altmax").value, ground: $("f-ground").value,
    find: $("f-find").value, labels: $("t-labels").checked, trails: $("t-trails").checked,
    t: replay.on && replay.t !== null ? second() : null,
    speed: replay.on ? replay.speed : null,
  };
}

function restoreFrom(q) {
  if (q.has("lat") && q.has("lon")) map.setView([Number(q.get("lat")), Number(q.get("lon"))], Number(q.get("z") || 6));
  for (const [id, key] of [["f-class", "class"], ["f-area", "area"], ["f-altmin", "amin"], ["f-altmax", "amax"], ["f-ground", "ground"], ["f-find", "find"]]) {
    if (q.has(key)) $(id).value = q.get(key);
  }
  if (q.has("cat")) {
    const box = $("f-category");
    if (![...box.options].some((o) => o.value === q.get("cat"))) box.append(el("option", q.get("cat"), { value: q.get("cat") }));
    box.value = q.get("cat");
  }
  $("t-labels").checked = q.get("labels") === "1";
  $("t-trails").checked = q.get("trails") === "1";
  if (q.has("speed")) { $("r-speed").value = q.get("speed"); replay.speed = Number($("r-speed").value) || 60; }
  const t = q.has("t") ? Date.parse(q.get("t")) : NaN;
  if (!isNaN(t)) { replay.on = true; $("r-mode").value = "replay"; $("r-day").value = new Date(t).toISOString().slice(0, 10); replay.t = t; }
  showReplay();
  selected = q.get("sel") || null;
  filters();
  options();
  load().then(() => ($("t-trails").checked ? loadTrails() : null)).catch(status);
}

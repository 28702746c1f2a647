// The map worker: fetches the live picture, filters it and draws it on the map's
// canvas (transferred here as an OffscreenCanvas), so that the page's own thread only
// lists what is shown. Messages in: canvas, view, filters, options, load, trails,
// hit. Messages out: drawn (counts, the first rows shown, the selected aircraft's
// row, new categories, draw time), hit (the aircraft under a point), error.

import { Renderer } from "./draw.js";
import { Traffic } from "./traffic.js";

const LISTED = 200;
const traffic = new Traffic();
let renderer = null;
let options = { labels: false, trails: false, selected: null, selectedTrail: null };
let shown = [];
let xy = new Float32Array(0);
let fresh = [];

function draw(reason, id) {
  if (!renderer) return;
  const began = performance.now();
  shown = traffic.shown();
  xy = renderer.draw(shown, {
    trails: options.trails ? traffic.trails : null,
    selected: options.selected,
    selectedTrail: options.selectedTrail,
    labels: options.labels,
  });
  postMessage({
    type: "drawn",
    reason,
    id,
    now: traffic.now,
    total: traffic.aircraft.length,
    shown: shown.length,
    list: shown.slice(0, LISTED),
    selected: options.selected ? traffic.aircraft.find((a) => a.icao24 === options.selected) || null : null,
    categories: fresh.splice(0),
    drawMs: performance.now() - began,
  });
}

async function get(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return r.json();
}

onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === "canvas") renderer = new Renderer(m.canvas);
    else if (m.type === "view") { renderer.setView(m.view); draw("view"); }
    else if (m.type === "filters") { traffic.filters = m.filters; draw("filters"); }
    else if (m.type === "options") { options = { ...options, ...m.options }; draw("options"); }
    else if (m.type === "clear") { traffic.trails.clear(); }
    else if (m.type === "load") { fresh.push(...traffic.set(await get(m.url))); draw("load", m.id); }
    else if (m.type === "trails") { traffic.loadTrails((await get(m.url)).trails); draw("trails", m.id); }
    else if (m.type === "hit") {
      let best = -1, bestD = 15 * 15;
      for (let i = 0; i < shown.length; i++) {
        const dx = xy[2 * i] - m.x, dy = xy[2 * i + 1] - m.y, d = dx * dx + dy * dy;
        if (d < bestD) { best = i; bestD = d; }
      }
      postMessage({ type: "hit", id: m.id, icao24: best < 0 ? null : shown[best].icao24 });
    }
  } catch (err) {
    postMessage({ type: "error", id: m.id, error: String(err) });
  }
};

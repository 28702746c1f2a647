// Drawing the aircraft on a canvas (the map worker's OffscreenCanvas): trails by
// altitude band, shapes rotated by track and coloured by altitude, labels where they
// fit. Positions come in canvas pixels of Leaflet's Web Mercator view.

import { SHAPES, ROTOR, UPRIGHT, shapeOf } from "./icons.js";
import { band, bandColour } from "./scale.js";

const EMERGENCY = new Set(["7500", "7600", "7700"]);
const SPRITE = 30;  // px per drawn aircraft
const TURNS = 72;  // tracks drawn, every 5°

export class Renderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.g = canvas.getContext("2d");
    this.sprites = new Map();
    this.view = { width: 0, height: 0, ratio: 1, scale: 256, dx: 0, dy: 0 };
  }

  // the map's view: size, pixel ratio, Web Mercator scale and offset of the canvas
  setView(v) {
    if (v.ratio !== this.view.ratio) this.sprites.clear();
    this.view = v;
    this.canvas.width = Math.round(v.width * v.ratio);
    this.canvas.height = Math.round(v.height * v.ratio);
  }

  x(lon) { return this.view.scale * (lon + 180) / 360 - this.view.dx; }

  y(lat) {
    const s = Math.sin(Math.max(-85.0511287798, Math.min(85.0511287798, lat)) * Math.PI / 180);
    return this.view.scale * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) - this.view.dy;
  }

  // a shape in one altitude colour at every 5° of track, drawn once into a strip and
  // then copied for every aircraft (a software canvas fills and strokes slowly; it
  // copies pixels fast)
  atlas(shape, b, chosen) {
    const key = `${shape}|${b}|${chosen}`;
    let c = this.sprites.get(key);
    if (c) return c;
    const r = this.view.ratio, size = SPRITE * r, turns = UPRIGHT.has(shape) ? 1 : TURNS;
    c = new OffscreenCanvas(size * turns, size);
    const g = c.getContext("2d");
    g.lineJoin = "round";
    g.fillStyle = bandColour(b);
    g.strokeStyle = chosen ? "#000" : "rgba(0,0,0,0.7)";
    g.lineWidth = chosen ? 2.5 : 1;
    const small = shape === "vehicle" || shape === "light" || shape === "helicopter" ? 0.8 : 1;
    for (let k = 0; k < turns; k++) {
      const t = k * 2 * Math.PI / TURNS, cos = Math.cos(t) * r * small, sin = Math.sin(t) * r * small;
      g.setTransform(cos, sin, -sin, cos, (k + 0.5) * size, size / 2);
      g.fill(SHAPES[shape]);
      g.stroke(SHAPES[shape]);
      if (shape === "helicopter") g.stroke(ROTOR);
    }
    this.sprites.set(key, c);
    return c;
  }

  // everything, from scratch; returns the aircraft's canvas positions (for clicks)
  draw(aircraft, { trails, selected, selectedTrail, labels }) {
    const g = this.g, { width: w, height: h, ratio: r } = this.view;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, this.canvas.width, this.canvas.height);
    g.setTransform(r, 0, 0, r, 0, 0);
    if (trails) {
      const paths = new Map();
      for (const [hex, pts] of trails) if (hex !== selected) this.trail(paths, pts);
      this.stroke(paths, 1.5);
    }
    if (selectedTrail) this.stroke(this.trail(new Map(), selectedTrail), 3);
    g.setTransform(1, 0, 0, 1, 0, 0);
    const n = aircraft.length, xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = aircraft[i], x = this.x(a.lon), y = this.y(a.lat);
      xy[2 * i] = x; xy[2 * i + 1] = y;
      if (x < -20 || y < -20 || x > w + 20 || y > h + 20) continue;
      this.plane(a, x, y, a.icao24 === selected);
    }
    g.setTransform(r, 0, 0, r, 0, 0);
    if (labels) this.labels(aircraft, xy, selected);
    return xy;
  }

  plane(a, x, y, chosen) {
    const g = this.g, r = this.view.ratio, size = SPRITE * r, shape = shapeOf(a);
    const img = this.atlas(shape, band(a.altitude, a.on_ground), chosen);
    const k = img.width > size && a.track !== null && a.track !== undefined ? Math.round(a.track / (360 / TURNS)) % TURNS : 0;
    g.drawImage(img, k * size, 0, size, size, Math.round(r * x - size / 2), Math.round(r * y - size / 2), size, size);
    if (chosen || EMERGENCY.has(a.squawk)) {
      g.setTransform(r, 0, 0, r, 0, 0);
      g.beginPath();
      g.arc(x, y, 17, 0, 2 * Math.PI);
      g.strokeStyle = EMERGENCY.has(a.squawk) ? "#d00" : "#000";
      g.lineWidth = 2;
      g.stroke();
      g.setTransform(1, 0, 0, 1, 0, 0);
    }
  }

  // labels where they fit: one per cell of a grid the size of a label, the selected
  // aircraft's first, so no two overlap
  labels(aircraft, xy, selected) {
    const g = this.g, { width: w, height: h } = this.view;
    g.font = "11px system-ui, sans-serif";
    const cw = 90, ch = 28, taken = new Set();
    const order = [...aircraft.keys()];
    const sel = aircraft.findIndex((a) => a.icao24 === selected);
    if (sel > 0) { order.splice(sel, 1); order.unshift(sel); }
    for (const i of order) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < 0 || y < 0 || x > w || y > h) continue;
      const cell = Math.floor((x + 12) / cw) * 100000 + Math.floor((y - 12) / ch);
      if (taken.has(cell)) continue;
      taken.add(cell);
      this.label(aircraft[i], x, y);
    }
  }

  label(a, x, y) {
    const g = this.g;
    const name = a.callsign || a.registration || a.icao24;
    const alt = a.on_ground ? "ground" : a.altitude === null || a.altitude === undefined ? "" : `${Math.round(a.altitude / 100) * 100} ft`;
    const w = Math.max(g.measureText(name).width, g.measureText(alt).width) + 6;
    g.fillStyle = "rgba(255,255,255,0.85)";
    g.fillRect(x + 12, y - 12, w, alt ? 26 : 14);
    g.fillStyle = "#111";
    g.fillText(name, x + 15, y - 1);  // canvas text: never markup
    if (alt) g.fillText(alt, x + 15, y + 11);
  }

  // trails go into one path per altitude band: thousands of trails are a few dozen strokes
  trail(paths, pts) {
    if (pts.length < 2) return paths;
    let px = this.x(pts[0][1]), py = this.y(pts[0][0]);
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i], x = this.x(p[1]), y = this.y(p[0]);
      const b = band(p[2], p[3]);
      let path = paths.get(b);
      if (!path) { path = new Path2D(); paths.set(b, path); }
      path.moveTo(px, py);
      path.lineTo(x, y);
      px = x; py = y;
    }
    return paths;
  }

  stroke(paths, width) {
    const g = this.g;
    g.lineWidth = width;
    g.lineCap = "round";
    for (const [b, path] of paths) { g.strokeStyle = bandColour(b); g.stroke(path); }
  }
}

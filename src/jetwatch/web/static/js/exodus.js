// The exodus dashboard: the day test's headline, departures per bucket against the
// baseline's expected value and 95% band (axes, legend), coverage gaps and receiver
// blackouts shaded, surges marked where and when they were flagged, the flights with
// their observed destinations or inferred directions, and a link to the report.

import { $, api, el, fill, row, utc, num, formQuery } from "./util.js";
import * as state from "./state.js";

const SVG = "http://www.w3.org/2000/svg";
const X0 = 60, X1 = 880, Y0 = 20, Y1 = 240;
const LOW_COVERAGE = 0.8;

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function tip(node, text) { node.append(svg("title", {}, text)); return node; }

function ticks(top) {
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => top / s <= 6) || Math.ceil(top / 6);
  const out = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return out;
}

function chart(d) {
  const c = $("exodus-chart"), b = d.buckets, w = (X1 - X0) / Math.max(1, b.length);
  const top = Math.max(1, ...b.map((x) => Math.max(x.observed, x.high || 0)));
  const y = (v) => Y1 - (Y1 - Y0) * v / top;
  const t0 = b.length ? Date.parse(b[0].start) : 0, t1 = b.length ? Date.parse(b[b.length - 1].end) : 1;
  const xt = (iso) => X0 + (X1 - X0) * (Date.parse(iso) - t0) / (t1 - t0);
  c.replaceChildren();
  for (const s of d.surges) {
    c.append(tip(svg("rect", { x: xt(s.start), y: Y0, width: xt(s.end) - xt(s.start), height: Y1 - Y0, class: "surge" }),
      `surge ${utc(s.start)} to ${utc(s.end)}: ${s.observed} against ${s.expected.toFixed(1)} expected`));
  }
  if (b.length && b[0].expected !== undefined) {
    const up = b.map((x, i) => `${X0 + (i + 0.5) * w},${y(x.high)}`), down = b.map((x, i) => `${X0 + (i + 0.5) * w},${y(x.low)}`).reverse();
    c.append(svg("polygon", { points: up.concat(down).join(" "), class: "band" }));
    c.append(svg("polyline", { points: b.map((x, i) => `${X0 + (i + 0.5) * w},${y(x.expected)}`).join(" "), class: "exp" }));
  }
  // coverage gaps and blackouts over the band (see-through), under the bars
  b.forEach((x, i) => {
    if (x.coverage !== null && x.coverage !== undefined && x.coverage < LOW_COVERAGE) {
      c.append(tip(svg("rect", { x: X0 + i * w, y: Y0, width: w, height: Y1 - Y0, class: "gap" }),
        `${utc(x.start)}: ${Math.round(100 * x.coverage)}% of the usual traffic heard (a coverage gap: departures may be missing)`));
    }
  });
  for (const g of d.blackouts) {
    c.append(tip(svg("rect", { x: xt(g.start), y: Y0, width: Math.max(1, xt(g.end) - xt(g.start)), height: Y1 - Y0, class: "blackout" }),
      `blackout ${g.start} to ${g.end}: ${Math.round(100 * g.coverage)}% of the usual traffic heard`));
  }
  b.forEach((x, i) => {
    if (x.observed) {
      c.append(tip(svg("rect", { x: X0 + i * w + w * 0.2, y: y(x.observed), width: w * 0.6, height: Y1 - y(x.observed), class: "obs" }),
        `${utc(x.start)}: ${x.observed} departure(s), ${x.expected === undefined ? "no baseline" : `${x.expected.toFixed(1)} expected (95% band ${x.low}–${x.high})`}`));
    }
  });
  for (const s of d.surges) {  // when the live scan would have flagged it
    const fx = xt(s.flagged_at);
    c.append(svg("line", { x1: fx, x2: fx, y1: Y0, y2: Y1, class: "flag" }));
    c.append(svg("text", { x: fx + 3, y: Y0 + 10, class: "flag-text" }, `flagged ${utc(s.flagged_at).slice(11, 16)}Z`));
  }
  // axes
  c.append(svg("line", { x1: X0, x2: X0, y1: Y0, y2: Y1, class: "axis" }), svg("line", { x1: X0, x2: X1, y1: Y1, y2: Y1, class: "axis" }));
  for (const v of ticks(top)) {
    c.append(svg("line", { x1: X0 - 4, x2: X0, y1: y(v), y2: y(v), class: "axis" }));
    c.append(svg("text", { x: X0 - 7, y: y(v) + 4, class: "tick", "text-anchor": "end" }, String(v)));
  }
  c.append(svg("text", { x: 14, y: (Y0 + Y1) / 2, class: "tick", transform: `rotate(-90 14 ${(Y0 + Y1) / 2})`, "text-anchor": "middle" },
    `departures per ${d.bucket_minutes} min`));
  b.forEach((x, i) => {
    if (i % 3) return;
    c.append(svg("line", { x1: X0 + i * w, x2: X0 + i * w, y1: Y1, y2: Y1 + 4, class: "axis" }));
    c.append(svg("text", { x: X0 + i * w, y: Y1 + 16, class: "tick", "text-anchor": "middle" }, x.start.slice(11, 16)));
  });
  c.append(svg("text", { x: (X0 + X1) / 2, y: Y1 + 34, class: "tick", "text-anchor": "middle" },
    `time (UTC); the day is ${d.day} in ${d.timezone}`));
}

function legend() {
  const items = [["obs", "observed departures"], ["exp", "expected (baseline)"], ["band", "95% band"],
    ["surge", "surge"], ["flag", "flagged by the live scan"], ["gap", `coverage < ${100 * LOW_COVERAGE}%`], ["blackout", "receiver blackout"]];
  const ul = el("ul", null, { class: "legend" });
  for (const [cls, text] of items) {
    const li = el("li");
    li.append(el("span", null, { class: `key ${cls}` }), text);
    ul.append(li);
  }
  return ul;
}

function where(f) {
  if (f.destination) return [f.destination, `observed (${f.destination_method || "?"})`];
  if (f.heading) return [`heading ${f.heading}${f.heading_countries && f.heading_countries.length ? ` (${f.heading_countries.join(", ")})` : ""}`, "inferred from the last track"];
  return ["unknown", "lost without a heading"];
}

async function show() {
  const q = formQuery($("exodus-form"));
  const d = await api(`api/exodus?${q}`);
  $("label").textContent = (d.labels || []).join("; ");
  const cover = d.coverage === null ? "coverage unmeasured" : `coverage ${Math.round(100 * d.coverage)}%`;
  const dest = d.destinations.day;
  const parts = [
    el("p", d.headline, { class: "headline" }),
    el("p", `live scan: ${d.surges.length} surge(s) at ${d.false_alarms_per_year} false alarm(s) per area-year; ${cover}`),
    el("p", `destinations: ${dest.abroad} abroad, ${dest.domestic} domestic, ${dest.heading_abroad + dest.heading_domestic} by heading only, ${dest.unknown} unknown`
      + (d.unknown_class ? `; ${d.unknown_class} departure(s) of unknown class not counted` : "")),
  ];
  const report = el("a", "Open the evidence report", { href: `api/report/exodus?${q}`, target: "_blank", rel: "noopener", id: "exodus-report" });
  const link = el("p");
  link.append(report);
  parts.push(link);
  $("exodus-head").replaceChildren(...parts);
  chart(d);
  $("exodus-legend").replaceChildren(legend());
  fill($("exodus-surges"), ["start", "end", "flagged at", "observed", "expected", "excess (95%)"],
    d.surges.map((s) => row([utc(s.start), utc(s.end), utc(s.flagged_at), s.observed, s.expected.toFixed(1),
      `${Math.round(s.excess)} (${s.excess_low}–${s.excess_high})`])));
  fill($("exodus-flights"), ["take-off (UTC)", "aircraft", "type", "callsign", "from", "to", "how known"], d.flights.map((f) => {
    const [to, how] = where(f);
    const tr = row([utc(f.time), f.registration || f.icao24, f.typecode, f.callsign, f.origin, to, how]);
    if (!f.destination) tr.cells[5].className = "unknown";
    return tr;
  }));
  const al = await api("api/alerts?limit=200");
  fill($("exodus-alerts"), ["time", "alert", "status"], al.alerts.filter((a) => a.event === "surge").map((a) => row([utc(a.time), a.title, a.status])));
  state.changed();
}

export function setup(areaList) {
  for (const a of areaList) $("exodus-area").append(el("option", a.title, { value: a.name }));
  $("exodus-form").addEventListener("submit", (ev) => { ev.preventDefault(); show().catch((e) => { $("exodus-head").textContent = String(e); }); });
  state.register(
    () => ($("exodus-head").childElementCount ? state.saveForm($("exodus-form"), "e_") : {}),
    (q) => { if (state.restoreForm($("exodus-form"), "e_", q)) show().catch((e) => { $("exodus-head").textContent = String(e); }); },
  );
}

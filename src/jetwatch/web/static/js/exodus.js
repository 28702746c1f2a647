// The exodus dashboard: the day's departures of a class from an area against its
// baseline band, receiver blackouts shaded, surges marked, and the surge alerts.

import { $, api, el, fill, row, utc, formQuery } from "./util.js";
import * as state from "./state.js";

const SVG = "http://www.w3.org/2000/svg";
const svgEl = (tag, attrs) => { const e = document.createElementNS(SVG, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };

async function show() {
  const q = formQuery($("exodus-form"));
  const d = await api(`api/exodus?${q}`);
  $("label").textContent = (d.labels || []).join("; ");
  const cover = d.coverage === null ? "coverage unmeasured" : `coverage ${Math.round(100 * d.coverage)}%`;
  const lead = el("p", d.headline, { class: "headline" });
  const scan = el("p", `live scan: ${d.surges.length} surge(s) at ${d.false_alarms_per_year} false alarm(s) per area-year; ${cover}`);
  $("exodus-head").replaceChildren(lead, scan);
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
    d.surges.map((s) => row([utc(s.start), utc(s.end), utc(s.flagged_at), s.observed, s.expected.toFixed(1),
      `${Math.round(s.excess)} (${s.excess_low}–${s.excess_high})`])));
  const al = await api("api/alerts?limit=200");
  fill($("exodus-alerts"), ["time", "alert", "status"], al.alerts.filter((a) => a.event === "surge").map((a) => row([utc(a.time), a.title, a.status])));
  state.changed();
}

export function setup(areaList) {
  for (const a of areaList) $("exodus-area").append(el("option", a.title, { value: a.name }));
  $("exodus-form").addEventListener("submit", (ev) => { ev.preventDefault(); show().catch((e) => { $("exodus-head").textContent = String(e); }); });
  state.register(
    () => ($("exodus-head").childElementCount ? Object.fromEntries([...formQuery($("exodus-form"))].map(([k, v]) => [`e_${k}`, v])) : {}),
    (q) => {
      let any = false;
      for (const input of $("exodus-form").elements) {
        if (input.name && q.has(`e_${input.name}`)) { input.value = q.get(`e_${input.name}`); any = true; }
      }
      if (any) show().catch(() => {});
    },
  );
}

// jetwatch web app: tabs, the permalink, the share button, keyboard shortcuts, and
// each view's module.

import { $, api, el, formQuery } from "./util.js";
import * as state from "./state.js";
import * as live from "./live.js";
import * as flights from "./flights.js";
import * as exodus from "./exodus.js";
import * as watch from "./watch.js";

const TABS = ["map", "flights", "exodus", "watch", "reports"];
let tab = "map";

function show(name) {
  tab = TABS.includes(name) ? name : "map";
  for (const b of document.querySelectorAll("nav button")) {
    const on = b.dataset.tab === tab;
    b.classList.toggle("active", on);
    b.setAttribute("aria-selected", String(on));
  }
  for (const t of TABS) $(`tab-${t}`).classList.toggle("active", t === tab);
  if (tab === "map") live.map.invalidateSize();
  if (tab === "watch") watch.load().catch((e) => { $("watch-status").textContent = String(e); });
  state.changed();
}

for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => show(b.dataset.tab));

// the offline basemap: country borders served by the app itself
api("api/borders").then((g) => {
  L.geoJSON(g, { interactive: false, style: { color: "#9a9a9a", weight: 0.6, fillColor: "#fbfaf5", fillOpacity: 1 } }).addTo(live.map).bringToBack();
});
api("api/info").then((d) => {
  $("label").textContent = (d.labels || []).join("; ");
  if (d.tiles) L.tileLayer(d.tiles, { attribution: d.tiles_attribution, maxZoom: 18 }).addTo(live.map).bringToBack();
});

// reports open in a new page
for (const [form, kind] of [["report-form", "exodus"], ["aircraft-report-form", "aircraft"]]) {
  $(form).addEventListener("submit", (ev) => {
    ev.preventDefault();
    const a = el("a", "Open the report", { href: `api/report/${kind}?${formQuery(ev.target)}`, target: "_blank", rel: "noopener", id: "report-anchor" });
    $("report-link").replaceChildren(a);
  });
}

$("share").addEventListener("click", () => state.share($("share-status")));
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest("input, select, textarea")) { if (e.key === "Escape") e.target.blur(); return; }
  if (e.key === "?") { $("keys").open = !$("keys").open; return; }
  if (e.key === "s" || e.key === "S") { state.share($("share-status")); return; }
  const n = Number(e.key);
  if (n >= 1 && n <= TABS.length) { show(TABS[n - 1]); return; }
  if (tab === "map" && live.keys(e)) e.preventDefault();
});

state.register(() => ({ tab: tab === "map" ? null : tab }), (q) => show(q.get("tab") || "map"));

api("api/areas").then((d) => {
  live.setup(d.areas);
  flights.setup((f) => {
    show("map");
    live.startReplay(Date.parse(f.takeoff || f.first_seen) - 120_000, f.icao24);
  });
  exodus.setup(d.areas);
  watch.setup();
  for (const a of d.areas) $("report-area").append(el("option", a.title, { value: a.name }));
  state.restore();
  window.addEventListener("hashchange", () => state.restore());
});

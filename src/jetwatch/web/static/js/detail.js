// The selected aircraft's panel: what is known of it, its latest state, links to the
// usual public pages (links only: nothing is fetched from them) and recent flights.

import { el, fill, row, utc, num } from "./util.js";

const SQUAWKS = { 7500: "unlawful interference", 7600: "radio failure", 7700: "emergency" };

function links(hex, reg) {
  const out = [
    ["planespotters", `https://www.planespotters.net/hex/${encodeURIComponent(hex.toUpperCase())}`],
    ["ADS-B Exchange", `https://globe.adsbexchange.com/?icao=${encodeURIComponent(hex)}`],
    ["OpenSky", `https://opensky-network.org/aircraft-profile?icao24=${encodeURIComponent(hex)}`],
  ];
  if (reg) out.splice(1, 0, ["JetPhotos", `https://www.jetphotos.com/registration/${encodeURIComponent(reg)}`]);
  const p = el("p", null, { class: "links" });
  for (const [name, href] of out) {
    p.append(el("a", name, { href, target: "_blank", rel: "noopener noreferrer" }), " ");
  }
  return p;
}

export function panel(info, live, flights, now, onClose) {
  const dl = document.createElement("dl");
  const squawk = live.squawk ? `${live.squawk}${SQUAWKS[live.squawk] ? ` (${SQUAWKS[live.squawk]})` : ""}` : "";
  const ago = live.time && now ? Math.round((new Date(now) - new Date(live.time)) / 1000) : null;
  const fields = [
    ["hex", info.icao24],
    ["registration", info.registration],
    ["type", [info.typecode, info.description].filter(Boolean).join(" – ")],
    ["operator", info.operator],
    ["class", info["class"] ? `${info["class"]}${info.class_reason ? ` (${info.class_reason})` : ""}` : "unknown"],
    ["country", info.country],
    ["watchlist", (info.categories || live.categories || []).join(", ")],
    ["callsign", live.callsign],
    ["altitude", live.on_ground ? "on the ground" : live.altitude == null ? "" : `${num(live.altitude)} ft`],
    ["speed", live.ground_speed == null ? "" : `${num(live.ground_speed)} kt`],
    ["vertical rate", live.vertical_rate == null ? "" : `${num(live.vertical_rate)} ft/min`],
    ["track", live.track == null ? "" : `${num(live.track)}°`],
    ["squawk", squawk],
    ["source", live.source],
    ["last seen", live.time ? `${utc(live.time)}${ago !== null ? ` (${ago} s before the data time)` : ""}` : "not in the picture"],
  ];
  for (const [k, v] of fields) {
    const dd = el("dd", v ?? "");
    if (k === "squawk" && SQUAWKS[live.squawk]) dd.className = "emergency";
    dl.append(el("dt", k), dd);
  }
  const table = el("table", null, { class: "mini" });
  fill(table, ["take-off (UTC)", "from", "to"], flights.map((f) => {
    const tr = row([utc(f.takeoff || f.first_seen), f.origin || "unknown", f.destination || "unknown"]);
    if (!f.origin) { tr.cells[1].className = "unknown"; tr.cells[1].title = "first seen airborne or far from any airport"; }
    if (!f.destination) { tr.cells[2].className = "unknown"; tr.cells[2].title = "last seen airborne or far from any airport"; }
    return tr;
  }));
  const back = el("button", "Close (Esc)", { type: "button", id: "detail-close" });
  back.addEventListener("click", onClose);
  return [back, el("h3", info.registration || info.icao24, { id: "detail-title" }), dl, links(info.icao24, info.registration), el("h4", "Recent flights"), table];
}

// The watchlist and the alerts: entries listed, added and removed with the token.

import { $, api, el, fill, row, utc } from "./util.js";

export async function load() {
  const w = await api("api/watchlist");
  fill($("watch-table"), ["id", "kind", "value", "exclude", "note", "category", ""],
    w.entries.map((e) => {
      const tr = row([e.id, e.kind, e.value, e.exclude ? "yes" : "", e.note, e.category]);
      if (w.editable) {
        const b = el("button", "remove", { class: "remove", "data-id": e.id, type: "button", "aria-label": `remove entry ${e.id}` });
        b.addEventListener("click", () => remove(e.id));
        tr.appendChild(el("td")).appendChild(b);
      }
      return tr;
    }));
  if (!w.editable) $("watch-status").textContent = "read-only (no token configured)";
  const a = await api("api/alerts?limit=100");
  fill($("alert-table"), ["time", "alert", "status"], a.alerts.map((x) => row([utc(x.time), x.title, x.status])));
}

async function remove(id) {
  const token = new FormData($("watch-form")).get("token");
  try {
    await api(`api/watchlist/${encodeURIComponent(id)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
    $("watch-status").textContent = "removed";
    load();
  } catch (e) { $("watch-status").textContent = String(e); }
}

export function setup() {
  $("watch-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      await api("api/watchlist", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${f.get("token")}` },
        body: JSON.stringify({ kind: f.get("kind"), value: f.get("value"), note: f.get("note") || null, exclude: f.get("exclude") === "on" }) });
      $("watch-status").textContent = "added";
      load();
    } catch (e) { $("watch-status").textContent = String(e); }
  });
}

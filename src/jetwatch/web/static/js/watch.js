// The watchlist, its rules and the recent alerts: entries and rules added and
// removed, and a test notification sent, with the token (the API refuses edits
// without it).

import { $, api, el, fill, row, utc } from "./util.js";

const auth = () => ({ Authorization: `Bearer ${$("w-token").value}` });
const say = (text) => { $("watch-status").textContent = text; };

function button(text, label, action) {
  const b = el("button", text, { type: "button", "aria-label": label, class: text });
  b.addEventListener("click", action);
  return b;
}

async function edit(path, method, body) {
  const headers = { ...auth(), ...(body ? { "Content-Type": "application/json" } : {}) };
  return api(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
}

export async function load() {
  const w = await api("api/watchlist");
  fill($("watch-table"), ["id", "kind", "value", "exclude", "note", "category", ""],
    w.entries.map((e) => row([e.id, e.kind, e.value, e.exclude ? "yes" : "", e.note, e.category,
      w.editable ? button("remove", `remove entry ${e.id}`, () => act(`api/watchlist/${encodeURIComponent(e.id)}`, "DELETE", null, "removed")) : ""])));
  if (!w.editable) say("read-only (no token configured)");
  const r = await api("api/rules");
  fill($("rule-table"), ["id", "event", "conditions", "notify", "per hour", "", ""], r.rules.map((x) => row([
    x.id, x.event, Object.entries(x.conditions).filter(([k]) => (k !== "squawks" || x.event === "squawk") && (k !== "minutes" || x.event === "dark")).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("/") : v}`).join(" "),
    x.notify.join(", "), x.per_hour,
    w.editable ? button("test", `send a test notification for rule ${x.id}`, () => test(x.id)) : "",
    w.editable ? button("remove", `remove rule ${x.id}`, () => act(`api/rules/${encodeURIComponent(x.id)}`, "DELETE", null, "rule removed")) : "",
  ])));
  const a = await api("api/alerts?limit=100");
  fill($("alert-table"), ["time", "event", "alert", "status"], a.alerts.map((x) => row([utc(x.time), x.event, x.title, x.status])));
}

async function act(path, method, body, done) {
  try { await edit(path, method, body); say(done); await load(); } catch (e) { say(String(e)); }
}

async function test(rule) {
  try {
    const r = await edit("api/notify/test", "POST", { rule });
    say(r.ok ? `test notification sent to ${r.targets.join(", ")}` : `test notification failed: ${r.error}`);
  } catch (e) { say(String(e)); }
}

export function setup() {
  $("token-form").addEventListener("submit", (ev) => ev.preventDefault());
  $("watch-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    act("api/watchlist", "POST", { kind: f.get("kind"), value: f.get("value"), note: f.get("note") || null, exclude: f.get("exclude") === "on" }, "added");
  });
  $("rule-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target), when = { minutes: parseInt(f.get("minutes"), 10) || 10 };
    for (const k of ["area", "from_area", "to_area", "airport", "aircraft", "category", "cls"]) if (f.get(k)) when[k] = f.get(k);
    const body = { event: f.get("event"), when, notify: [f.get("notify")], per_hour: parseInt(f.get("per_hour"), 10) || 30 };
    act("api/rules", "POST", body, "rule added");
  });
}

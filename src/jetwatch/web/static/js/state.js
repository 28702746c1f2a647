// Permalinks: the view, the selection, the filters and the replay time live in the
// URL's fragment (#tab=map&sel=151f53&t=2023-06-24T08:25:10Z…). Each view registers
// what it saves and how it restores it; every change rewrites the fragment (no new
// history entry), and opening the URL restores the same screen.

import { formQuery } from "./util.js";

const parts = [];
let pending = null;

export function register(save, restore) {
  parts.push({ save, restore });
}

function write() {
  const q = new URLSearchParams();
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.save())) {
      if (v !== null && v !== undefined && v !== "" && v !== false) q.set(k, v === true ? "1" : String(v));
    }
  }
  history.replaceState(null, "", `#${q}`);
}

// coalesces bursts (a map drag fires many moves) into one rewrite
export function changed() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; write(); }, 150);
}

// a search form's filled fields, kept as prefix + name
export function saveForm(form, prefix) {
  return Object.fromEntries([...formQuery(form)].map(([k, v]) => [`${prefix}${k}`, v]));
}

// the fields of the link put back in the form; whether there were any
export function restoreForm(form, prefix, q) {
  let any = false;
  for (const input of form.elements) {
    if (input.name && q.has(`${prefix}${input.name}`)) { input.value = q.get(`${prefix}${input.name}`); any = true; }
  }
  return any;
}

export function restore() {
  const q = new URLSearchParams(location.hash.slice(1));
  for (const p of parts) p.restore(q);
}

// the share button: copies the link; where the clipboard is refused, selects it in
// a text box to copy by hand
export async function share(status) {
  if (pending) { clearTimeout(pending); pending = null; }
  write();
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = "link copied";
  } catch {
    const box = document.createElement("input");
    box.value = url;
    box.readOnly = true;
    box.setAttribute("aria-label", "link to this view");
    status.replaceChildren(box);
    box.select();
  }
}

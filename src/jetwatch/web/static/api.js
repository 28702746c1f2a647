// The API reference, drawn from the app's own OpenAPI schema (no script from another
// host: the Content-Security-Policy allows none). Every string is set as text.
"use strict";

const node = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
};

const typeOf = (schema, spec) => {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, spec)).join(" | ");
  const extra = [schema.format, schema.pattern && `pattern ${schema.pattern}`,
    schema.minimum !== undefined && `≥ ${schema.minimum}`, schema.maximum !== undefined && `≤ ${schema.maximum}`,
    schema.enum && `one of ${schema.enum.join(", ")}`].filter(Boolean);
  return [schema.type || "", ...extra].filter(Boolean).join(", ");
};

fetch("openapi.json").then((r) => r.json()).then((spec) => {
  const main = document.getElementById("api");
  main.replaceChildren(node("p", `${spec.info.title} ${spec.info.version}: ${Object.keys(spec.paths).length} paths`));
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const box = node("section", null, "endpoint");
      box.append(node("h3", `${method.toUpperCase()} ${path}`));
      if (op.summary) box.append(node("p", op.summary));
      if (op.description) box.append(node("p", op.description));
      const params = op.parameters || [];
      if (params.length) {
        const t = node("table");
        const head = node("tr");
        for (const h of ["parameter", "in", "required", "type"]) head.append(node("th", h));
        t.append(head);
        for (const p of params) {
          const tr = node("tr");
          for (const c of [p.name, p.in, p.required ? "yes" : "", typeOf(p.schema, spec)]) tr.append(node("td", c));
          t.append(tr);
        }
        box.append(t);
      }
      if (op.requestBody) box.append(node("p", `body: ${typeOf(op.requestBody.content?.["application/json"]?.schema, spec)}`));
      const answers = Object.entries(op.responses || {}).map(([code, r]) => `${code} ${r.description || ""}`);
      box.append(node("p", `answers: ${answers.join("; ")}`));
      main.append(box);
    }
  }
}).catch((e) => { document.getElementById("api").replaceChildren(node("p", `cannot read the schema: ${e}`)); });

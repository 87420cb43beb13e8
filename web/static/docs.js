// Fallback API docs: list the operations of /openapi.json (used only without local Swagger UI assets).
fetch("/openapi.json").then((r) => r.json()).then((spec) => {
  const root = document.getElementById("ops");
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const h = document.createElement("h2");
      h.textContent = `${method.toUpperCase()} ${path}`;
      const p = document.createElement("p");
      p.textContent = op.summary || "";
      root.append(h, p);
    }
  }
});

#!/usr/bin/env node
// Copies the front-end files INDUS-X serves from node_modules/ into the git-ignored
// src/indusx/static/vendor/ folder. Run by `npm install` / `npm ci` as the postinstall script,
// or by hand with `npm run copy-assets`.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "src", "indusx", "static", "vendor");

// [source relative to node_modules, destination relative to vendor, required]
const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css", true],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map", false],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js", true],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map", false],
  // The CSS refers to its fonts as url("./fonts/bootstrap-icons.woff2?..."): keep that layout.
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css", true],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts", true],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js", true],
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js", true],
  // The supply BOM graph (its built-in breadthfirst layout draws the DAG top-down).
  ["cytoscape/dist/cytoscape.min.js", "cytoscape/cytoscape.min.js", true],
  // The interactive API docs at /docs, served locally so they work offline.
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js", true],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css", true],
];

const missing = [];
// Start clean so that files from an older layout or version do not linger.
rmSync(vendor, { recursive: true, force: true });
for (const [src, dest, required] of files) {
  const from = join(modules, src);
  if (!existsSync(from)) {
    if (required) missing.push(src);
    continue;
  }
  const to = join(vendor, dest);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}

if (missing.length > 0) {
  console.error(`copy-assets: missing from node_modules (run npm ci): ${missing.join(", ")}`);
  process.exit(1);
}
const fonts = readdirSync(join(vendor, "bootstrap-icons", "fonts"));
console.log(
  `copy-assets: ${files.length} entries (${fonts.length} icon font files) -> ` +
    "src/indusx/static/vendor/",
);

// Copies the browser assets into tendril/ui/static/build/ (git-ignored; never committed).
// No bundler: htmx ships a ready minified file, and our own CSS and JS are small and plain.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "tendril", "ui", "static", "build");
const require = createRequire(import.meta.url);

function packageRoot(pkgName) {
  // Resolve through package.json so the file is found wherever npm placed the package; a
  // package whose "exports" hide its package.json (chart.js) is found from its main entry.
  try {
    return dirname(require.resolve(`${pkgName}/package.json`));
  } catch {
    let dir = dirname(require.resolve(pkgName));
    while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
    return dir;
  }
}

function packageFile(pkgName, ...path) {
  const file = join(packageRoot(pkgName), ...path);
  if (!existsSync(file)) {
    throw new Error(`${file} not found: run "npm install" in frontend/ first`);
  }
  return file;
}

// /api/docs serves Swagger UI from these copies, so the page works on an offline install.
const swagger = (name) => [packageFile("swagger-ui-dist", name), join("swagger-ui", name)];

const files = [
  [packageFile("htmx.org", "dist", "htmx.min.js"), "htmx.min.js"],
  [join(here, "src", "app.css"), "app.css"],
  [join(here, "src", "app.js"), "app.js"],
  [join(here, "src", "api-docs.js"), "api-docs.js"],
  // The dashboard's charts: Chart.js (MIT, one file, no CDN) and our code that draws with it;
  // only the dashboard page loads them.
  [packageFile("chart.js", "dist", "chart.umd.min.js"), "chart.umd.min.js"],
  [join(here, "src", "dashboard.js"), "dashboard.js"],
  swagger("swagger-ui-bundle.js"),
  swagger("swagger-ui.css"),
  swagger("LICENSE"),
];

mkdirSync(join(out, "swagger-ui"), { recursive: true });
for (const [from, name] of files) {
  copyFileSync(from, join(out, name));
  console.log(`built ${join("tendril/ui/static/build", name)}`);
}

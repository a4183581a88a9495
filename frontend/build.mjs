// Copies the browser assets into tendril/ui/static/build/ (git-ignored; never committed).
// No bundler: htmx ships a ready minified file, and our own CSS and JS are small and plain.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "tendril", "ui", "static", "build");
const require = createRequire(import.meta.url);

function htmxFile() {
  // Resolve through package.json so the file is found wherever npm placed the package.
  const pkg = require.resolve("htmx.org/package.json");
  const file = join(dirname(pkg), "dist", "htmx.min.js");
  if (!existsSync(file)) {
    throw new Error(`htmx.min.js not found at ${file}: run "npm install" in frontend/ first`);
  }
  return file;
}

const files = [
  [htmxFile(), "htmx.min.js"],
  [join(here, "src", "app.css"), "app.css"],
  [join(here, "src", "app.js"), "app.js"],
];

mkdirSync(out, { recursive: true });
for (const [from, name] of files) {
  copyFileSync(from, join(out, name));
  console.log(`built ${join("tendril/ui/static/build", name)}`);
}

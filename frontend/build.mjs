// Copies the browser assets into tendril/ui/static/build/ (git-ignored; never committed).
// No bundler: htmx ships a ready minified file, and our own CSS and JS are small and plain.
import { copyFileSync, mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
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
  // The segment builder: only the segment new/edit page loads it.
  [join(here, "src", "segments.js"), "segments.js"],
  // Property conditions edited with clicks: the segment builder and the scoring rule form.
  [join(here, "src", "where-editor.js"), "where-editor.js"],
  // Bar charts of counts per category (the scoring page's bands, a persona's stages).
  [join(here, "src", "bar-chart.js"), "bar-chart.js"],
  // The segment page's members over time, drawn with the same Chart.js.
  [join(here, "src", "segment-history.js"), "segment-history.js"],
  swagger("swagger-ui-bundle.js"),
  swagger("swagger-ui.css"),
  swagger("LICENSE"),
];

mkdirSync(join(out, "swagger-ui"), { recursive: true });
for (const [from, name] of files) {
  copyFileSync(from, join(out, name));
  console.log(`built ${join("tendril/ui/static/build", name)}`);
}

// --- Fonts (Noto Sans, with the Vietnamese and Thai glyphs) -----------------------------------
// Machines without a Thai font showed Thai as boxes; these ship with the app instead. Only the
// subsets and weights the UI uses are copied, and each @font-face keeps fontsource's
// unicode-range, so a browser downloads a file only when the page has a letter from it.
const fonts = [
  { pkg: "@fontsource/noto-sans", subsets: ["latin", "latin-ext", "vietnamese"] },
  { pkg: "@fontsource/noto-sans-thai", subsets: ["thai"] },
];
const fontWeights = [400, 600, 700];
const fontOut = join(out, "fonts");
mkdirSync(fontOut, { recursive: true });
const faces = [];
for (const { pkg, subsets } of fonts) {
  for (const weight of fontWeights) {
    // "400.css" holds one commented @font-face per subset: /* noto-sans-thai-thai-400-normal */
    const css = readFileSync(packageFile(pkg, `${weight}.css`), "utf8");
    for (const [, name, face] of css.matchAll(/\/\* ([\w-]+) \*\/\s*(@font-face \{[^}]*\})/g)) {
      if (!subsets.some((subset) => name.endsWith(`-${subset}-${weight}-normal`))) continue;
      copyFileSync(packageFile(pkg, "files", `${name}.woff2`), join(fontOut, `${name}.woff2`));
      faces.push(face.replace(/src: [^;]*;/, `src: url(./${name}.woff2) format('woff2');`));
    }
  }
}
if (faces.length !== fontWeights.length * 4) {
  throw new Error(`expected ${fontWeights.length * 4} font faces, found ${faces.length}`);
}
writeFileSync(join(fontOut, "fonts.css"), faces.join("\n") + "\n");
console.log(`built tendril/ui/static/build/fonts/fonts.css (${faces.length} faces)`);

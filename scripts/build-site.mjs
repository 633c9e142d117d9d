#!/usr/bin/env node
// `npm run build:site [-- --api-base URL] [-- --out DIR]`: builds the static dashboard into
// dist/site/ for a deploy to upload. With --api-base it also writes config.json, which tells
// the page where the API is; without it the page talks to its own origin.
// offline/site-build.ts is TypeScript and Node 20 cannot load it, so it is bundled on the fly
// with esbuild (as offline/index.js does for the plugin), in a few milliseconds.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(root, "dist", "site") },
    "api-base": { type: "string" },
  },
});

const outfile = join(root, "node_modules", ".cache", "dockercoins-site-build", "site-build.cjs");
await build({
  entryPoints: [join(root, "offline", "site-build.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  logLevel: "warning",
});
const { buildSite } = await import(pathToFileURL(outfile).href);

const outDir = resolve(values.out);
const apiBase = values["api-base"];
const started = performance.now();
const site = await buildSite(outDir, apiBase ? { config: { apiBase } } : {});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `site built in ${Math.round(performance.now() - started)} ms → ${outDir}: ${site.files.join(", ")}`,
);
console.log(`${kb(site.bytes)} raw, ${kb(site.gzipBytes)} gzipped`);

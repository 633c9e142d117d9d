#!/usr/bin/env node
// Runs a TypeScript entry point (benchmarks, tools) on Node 20, which cannot load .ts itself:
// bundles it with esbuild (packages stay in node_modules) into node_modules/.cache, then runs it.
import { spawnSync } from "node:child_process";
import { basename, join, resolve } from "node:path";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <file.ts> [args…]");
  process.exit(2);
}
const outfile = join("node_modules", ".cache", "dockercoins-run", `${basename(entry, ".ts")}.cjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  logLevel: "warning",
});
const { status } = spawnSync(process.execPath, [outfile, ...args], { stdio: "inherit" });
process.exit(status ?? 1);

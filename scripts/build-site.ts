/**
 * `npm run build:site [-- --api-base URL] [-- --out DIR]`: builds the static dashboard into
 * dist/site/ for a deploy to upload. With --api-base it also writes config.json, which tells
 * the page where the API is (and that it serves GET /cloud); without it the page talks to its
 * own origin.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildSite, deployedSiteConfig } from "../common/site-build";

export async function main(): Promise<void> {
  // npm runs scripts from the project folder.
  const root = process.cwd();
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: join(root, "dist", "site") },
      "api-base": { type: "string" },
    },
  });
  const outDir = resolve(values.out);
  const apiBase = values["api-base"];
  const started = performance.now();
  const site = await buildSite(outDir, apiBase ? { config: deployedSiteConfig(apiBase) } : {});
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `site built in ${Math.round(performance.now() - started)} ms → ${outDir}: ${site.files.join(", ")}`,
  );
  console.log(`${kb(site.bytes)} raw, ${kb(site.gzipBytes)} gzipped`);
}

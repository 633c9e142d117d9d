import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, stop as stopEsbuild } from "esbuild";
import { projectRoot } from "./project";

/** The dashboard's sources: TypeScript in src/, the page and its stylesheet beside them. */
const SITE_DIR = join(projectRoot, "functions", "webui", "site");

/** config.json of a deployed dashboard (read by functions/webui/site/src/config.ts). */
export interface SiteConfigFile {
  apiBase: string;
  /** Whether the API serves GET /cloud: the page asks for the cloud report only then. */
  cloudReport?: boolean;
}

/**
 * config.json for a stage this serverless.yml deployed: its API serves GET /cloud (the webui
 * function, from CloudWatch, SQS and Lambda; functions/webui/cloud/), so the page asks for it.
 */
export const deployedSiteConfig = (apiBase: string): SiteConfigFile => ({
  apiBase,
  cloudReport: true,
});

export interface SiteBuildOptions {
  /** Written as config.json (the page's API base); omitted, the page uses its own origin. */
  config?: SiteConfigFile;
  /** Where the sources are; tests point it elsewhere. */
  sourceDir?: string;
}

export interface SiteBuild {
  /** Names of the files written, relative to outDir. */
  files: string[];
  bytes: number;
  /** What a browser downloads with gzip, file by file (as a server compresses them). */
  gzipBytes: number;
}

/** Every file the build may leave behind: only these are ever removed from outDir. */
const OUTPUTS = ["index.html", "app.js", "style.css", "config.json"];

/**
 * Builds the static dashboard into outDir: src/main.ts bundled with uPlot into app.js,
 * style.css with uPlot's stylesheet inlined, and index.html copied. Nothing is fetched at run
 * time, so the same files work offline, on LocalStack and on AWS. About 50 ms.
 */
export async function buildSite(
  outDir: string,
  options: SiteBuildOptions = {},
): Promise<SiteBuild> {
  const sourceDir = options.sourceDir ?? SITE_DIR;
  const bundled = await build({
    entryPoints: {
      app: join(sourceDir, "src", "main.ts"),
      style: join(sourceDir, "style.css"),
    },
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2022", "chrome109", "firefox115", "safari16"],
    platform: "browser",
    outdir: outDir,
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  // One-shot: esbuild would keep its helper process (about 25 MB) alive for nothing.
  await stopEsbuild();
  const contents = new Map<string, Uint8Array>();
  for (const file of bundled.outputFiles) contents.set(basename(file.path), file.contents);
  contents.set("index.html", await readFile(join(sourceDir, "index.html")));
  if (options.config) {
    contents.set("config.json", Buffer.from(`${JSON.stringify(options.config)}\n`));
  }

  await mkdir(outDir, { recursive: true });
  // A config.json from an earlier build must not outlive a build without one.
  const stale = OUTPUTS.filter((name) => !contents.has(name));
  await Promise.all(stale.map((name) => rm(join(outDir, name), { force: true })));
  // Write-then-rename: a dashboard server (or a second local cloud) reading the folder
  // meanwhile never sees a half-written file.
  await Promise.all(
    [...contents].map(async ([name, data]) => {
      const temporary = join(outDir, `.${name}.${process.pid}.tmp`);
      await writeFile(temporary, data);
      await rename(temporary, join(outDir, name));
    }),
  );

  const files = [...contents.keys()].sort();
  let bytes = 0;
  let gzipBytes = 0;
  for (const data of contents.values()) {
    bytes += data.length;
    gzipBytes += gzipSync(data, { level: 9 }).length;
  }
  return { files, bytes, gzipBytes };
}

/**
 * Bundles the functions for the local cloud, as serverless-esbuild bundles them for a deploy:
 * the same custom.esbuild settings of serverless.yml (target, minify, packages left external),
 * one CommonJS file per handler. One esbuild call builds them all (about 0.3 s), into a folder
 * of this process's own, so two local clouds of one checkout never overwrite each other's.
 *
 * Watching: a change to a function's source (tests and the dashboard's site excepted)
 * rebuilds them all, then `onRebuilt` lets the runner start fresh instances.
 */
import { existsSync, type FSWatcher, watch } from "node:fs";
import { rm } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { build, stop as stopEsbuild } from "esbuild";

export interface EsbuildSettings {
  target?: string;
  minify?: boolean;
  /** Packages the bundles leave to the runtime (`@aws-sdk/*`). */
  exclude?: string[];
}

/** A function's handler (`functions/rng/handler.handler`) whose source cannot be found. */
export class FunctionSourceError extends Error {
  override name = "FunctionSourceError";
}

const SOURCE_EXTENSIONS = [".ts", ".js", ".mjs", ".cjs"];
const REBUILD_DEBOUNCE_MS = 150;

/** `functions/rng/handler.handler` → the source file and the bundle's path (without .js). */
export function handlerSource(serviceDir: string, handler: string): { entry: string; out: string } {
  const out = handler.slice(0, handler.lastIndexOf("."));
  for (const extension of SOURCE_EXTENSIONS) {
    const entry = join(serviceDir, `${out}${extension}`);
    if (existsSync(entry)) return { entry, out };
  }
  throw new FunctionSourceError(
    `no source for handler ${handler}: looked for ${out}{${SOURCE_EXTENSIONS.join(",")}}`,
  );
}

export interface FunctionBundles {
  /** Where the bundles are: the runner's code folder. */
  dir: string;
  /** Rebuilds every bundle (also what the watcher runs). */
  rebuild(): Promise<number>;
  /** Stops watching and deletes the bundles. */
  close(): Promise<void>;
}

/** Where the local cloud of process `pid` bundles the functions: one folder per cloud. */
export function functionBundleDir(serviceDir: string, pid: number): string {
  return join(serviceDir, "node_modules", ".cache", "dockercoins-functions", String(pid));
}

export async function bundleFunctions(options: {
  serviceDir: string;
  handlers: string[];
  esbuild: EsbuildSettings;
  /** A folder of the service to watch (relative), or undefined: never rebuild. */
  watchDir: string | undefined;
  onRebuilt: (ms: number) => void;
  onError: (err: unknown) => void;
}): Promise<FunctionBundles> {
  const { serviceDir, esbuild } = options;
  const dir = functionBundleDir(serviceDir, process.pid);
  const entryPoints = Object.fromEntries(
    options.handlers.map((handler) => {
      const { entry, out } = handlerSource(serviceDir, handler);
      return [out, entry];
    }),
  );
  const rebuild = async (): Promise<number> => {
    const started = performance.now();
    await build({
      entryPoints,
      outdir: dir,
      bundle: true,
      platform: "node",
      format: "cjs",
      // Bundles run on this machine's Node (20 or newer), not Lambda's 24: see serverless.yml.
      target: esbuild.target ?? "node20",
      minify: esbuild.minify ?? false,
      external: esbuild.exclude ?? [],
      logLevel: "silent",
    });
    // esbuild keeps a helper process of its own (about 25 MB) alive after a build; the
    // local cloud builds rarely, so it lets it go.
    await stopEsbuild();
    return Math.round(performance.now() - started);
  };
  await rebuild();

  let watcher: FSWatcher | undefined;
  if (options.watchDir !== undefined) {
    const root = resolve(serviceDir, options.watchDir);
    let timer: NodeJS.Timeout | undefined;
    watcher = watch(root, { recursive: true }, (_event, file) => {
      if (!file || !isFunctionSource(relative(root, join(root, file.toString())))) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        rebuild().then(options.onRebuilt, options.onError);
      }, REBUILD_DEBOUNCE_MS);
    });
  }
  return {
    dir,
    rebuild,
    async close() {
      watcher?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sources whose change rebuilds: TypeScript and JavaScript, not tests, not the browser site. */
export function isFunctionSource(path: string): boolean {
  if (!SOURCE_EXTENSIONS.some((extension) => path.endsWith(extension))) return false;
  if (/\.test\.[cm]?[jt]s$/.test(path)) return false;
  return !path.split(sep).includes("site");
}

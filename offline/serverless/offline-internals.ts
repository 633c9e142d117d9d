/**
 * The places where the local cloud reaches into serverless-offline (the one release
 * offline-version.ts names, pinned in package.json): its LambdaFunction class, whose instances
 * the local runner takes over, and its log utilities, to drop per-request notices. Both
 * modules are ESM, cached by URL, so importing them by file URL gives the very instances
 * serverless-offline uses. tests/integration/offline-contract.test.ts checks, on the installed
 * package, every member used here and by serverless-offline's own callers.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isOfflineNoise } from "../terminal/format";
import {
  type FunctionRunner,
  type FunctionSpec,
  type RunnerOptions,
  startFunctionRunner,
} from "./function-runner";
import { carryCallsTo, type LambdaFunctionSurface } from "./lambda-function-surface";
import { checkOfflineVersion } from "./offline-version";

type LogMethod = (...args: unknown[]) => void;
/** What serverless hands every plugin, and serverless-offline keeps for its logging. */
export interface PluginUtils {
  log: Record<"debug" | "error" | "info" | "notice" | "verbose" | "warning", LogMethod>;
  progress: unknown;
}

const PACKAGE_NAME = "serverless-offline";

/** The serverless-offline package that serverless loads for a service. */
export interface ServerlessOffline {
  /** Its folder (the one holding its package.json). */
  dir: string;
  version: string;
  /** The file URL of one of its modules, by path under its `src/`. */
  moduleUrl(...path: string[]): string;
}

/**
 * Finds serverless-offline as serverless finds a service's plugins (resolved from the service's
 * folder) and reads its version from its package.json, which its `exports` do not list.
 */
export function locateServerlessOffline(serviceDir: string): ServerlessOffline {
  const entry = createRequire(join(serviceDir, "require-resolver")).resolve(PACKAGE_NAME);
  let dir = dirname(entry);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as {
        name?: string;
        version?: string;
      };
      if (name === PACKAGE_NAME) {
        const root = dir;
        return {
          dir: root,
          version: String(version),
          moduleUrl: (...path) => pathToFileURL(join(root, "src", ...path)).href,
        };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${entry}`);
    dir = parent;
  }
}

/**
 * serverless-offline, once its version is the one the local cloud is written for; otherwise
 * an OfflineVersionError naming both. Called before anything of it is loaded or patched.
 */
export function checkedServerlessOffline(serviceDir: string): ServerlessOffline {
  const offline = locateServerlessOffline(serviceDir);
  checkOfflineVersion(offline.version, offline.dir);
  return offline;
}

/**
 * Starts loading the modules serverless-offline imports once our start-up hook has run (its
 * Lambda pool, its HTTP server with hapi, its scheduler): loading is most of the half second
 * it takes to start, and done now it overlaps with Redis, SQS and esbuild starting up. ESM
 * modules are cached by URL, so serverless-offline then finds them loaded.
 */
export function preloadOffline(offline: ServerlessOffline): Promise<unknown> {
  return Promise.all(
    [
      ["lambda", "index.js"],
      ["events", "http", "index.js"],
      ["events", "schedule", "index.js"],
    ].map((path) => import(offline.moduleUrl(...path))),
  );
}

/**
 * Runs every function in the local cloud's own runner (function-runner.ts: a sandbox per
 * instance) rather than serverless-offline's: its LambdaFunction objects carry every call to
 * the runner, whatever the path (HTTP, Invoke API). Returns the runner.
 */
export async function runFunctionsInSandboxes(
  offline: ServerlessOffline,
  functions: Map<string, FunctionSpec>,
  codeDir: string,
  options: RunnerOptions,
): Promise<FunctionRunner> {
  const { default: LambdaFunction } = (await import(
    offline.moduleUrl("lambda", "LambdaFunction.js")
  )) as { default: { prototype: LambdaFunctionSurface } };
  const runner = startFunctionRunner(functions, codeDir, options);
  carryCallsTo(LambdaFunction.prototype, runner);
  return runner;
}

/**
 * serverless-offline prints three lines per request (method and path, a spacer, a duration
 * line) that the functions' own access logs replace. Dropping them at the source rather than
 * in the log router saves formatting and writing them, thousands of times a second under load.
 */
export async function quietRequestNotices(
  offline: ServerlessOffline,
  utils: PluginUtils,
): Promise<void> {
  const { setLogUtils } = (await import(offline.moduleUrl("utils", "log.js"))) as {
    setLogUtils: (utils: PluginUtils) => void;
  };
  const { log, progress } = utils;
  const notice: LogMethod = (...args) => {
    if (!isOfflineNoise(args.map(String).join(" "))) log.notice(...args);
  };
  // A proxy: serverless's log methods are not own properties, so a spread would lose them.
  // Bound once each: serverless-offline calls them several times per request.
  const bound = new Map<PropertyKey, unknown>();
  const filtered = new Proxy(log, {
    get: (target, property) => {
      if (property === "notice") return notice;
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (!bound.has(property)) bound.set(property, value.bind(target));
      return bound.get(property);
    },
  });
  setLogUtils({ log: filtered, progress });
}

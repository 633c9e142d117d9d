/**
 * The two places where the local cloud reaches into serverless-offline 13 (pinned in
 * package.json): its LambdaFunction class, whose instances the local runner takes over, and
 * its log utilities, to drop per-request notices. Both modules are ESM, cached by URL, so importing
 * them by file URL gives the very instances serverless-offline uses.
 */
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isOfflineNoise } from "../terminal/format";
import {
  type FunctionRunner,
  type FunctionSpec,
  installFunctionRunner,
  type LambdaFunctionSurface,
  type RunnerOptions,
} from "./function-runner";

type LogMethod = (...args: unknown[]) => void;
/** What serverless hands every plugin, and serverless-offline keeps for its logging. */
export interface PluginUtils {
  log: Record<"debug" | "error" | "info" | "notice" | "verbose" | "warning", LogMethod>;
  progress: unknown;
}

function offlineModule(...path: string[]): string {
  return pathToFileURL(join(dirname(require.resolve("serverless-offline")), ...path)).href;
}

/**
 * Starts loading the modules serverless-offline imports once our start-up hook has run (its
 * Lambda pool, its HTTP server with hapi, its scheduler): loading is most of the half second
 * it takes to start, and done now it overlaps with Redis, SQS and esbuild starting up. ESM
 * modules are cached by URL, so serverless-offline then finds them loaded.
 */
export function preloadOffline(): Promise<unknown> {
  return Promise.all(
    [
      ["lambda", "index.js"],
      ["events", "http", "index.js"],
      ["events", "schedule", "index.js"],
    ].map((path) => import(offlineModule(...path))),
  );
}

/**
 * Runs every function in the local cloud's own runner (function-runner.ts: one function host
 * thread) rather than serverless-offline's worker thread per instance; returns the runner.
 */
export async function runFunctionsInHost(
  functions: Map<string, FunctionSpec>,
  codeDir: string,
  options: RunnerOptions,
): Promise<FunctionRunner> {
  const { default: LambdaFunction } = (await import(
    offlineModule("lambda", "LambdaFunction.js")
  )) as { default: { prototype: LambdaFunctionSurface } };
  return installFunctionRunner(LambdaFunction.prototype, functions, codeDir, options);
}

/**
 * serverless-offline prints three lines per request (method and path, a spacer, a duration
 * line) that the functions' own access logs replace. Dropping them at the source rather than
 * in the log router saves formatting and writing them, thousands of times a second under load.
 */
export async function quietRequestNotices(utils: PluginUtils): Promise<void> {
  const { setLogUtils } = (await import(offlineModule("utils", "log.js"))) as {
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

/**
 * The two places where the local cloud reaches into serverless-offline 13 (pinned in
 * package.json): its LambdaFunction class, to enforce reserved concurrency, and its log
 * utilities, to drop per-request notices. Both modules are ESM, cached by URL, so importing
 * them by file URL gives the very instances serverless-offline uses.
 */
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isOfflineNoise } from "../terminal/format";
import { gateInstances } from "./concurrency";
import type { FunctionDefinition } from "./service-definition";

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
 * Makes serverless-offline honour `reservedConcurrency` (see concurrency.ts for why and how).
 * Returns the limits applied, as text for the start-up log, or undefined when there are none.
 */
export async function enforceReservedConcurrency(
  functions: Record<string, FunctionDefinition>,
): Promise<string | undefined> {
  const limits = new Map<string, number>();
  for (const [key, definition] of Object.entries(functions)) {
    if (definition.reservedConcurrency === undefined) continue;
    limits.set(definition.name ?? key, Number(definition.reservedConcurrency));
  }
  if (limits.size === 0) return undefined;
  const { default: LambdaFunction } = (await import(
    offlineModule("lambda", "LambdaFunction.js")
  )) as {
    default: { prototype: Parameters<typeof gateInstances>[0] };
  };
  gateInstances(LambdaFunction.prototype, limits);
  return [...limits].map(([name, limit]) => `${name} ${limit}`).join(", ");
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
  const filtered = new Proxy(log, {
    get: (target, property) => {
      if (property === "notice") return notice;
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  setLogUtils({ log: filtered, progress });
}

/**
 * Loads a function's bundle (CommonJS, as serverless-esbuild writes it) the way one Lambda
 * execution environment would: its own module scope, so module-level state (clients, caches,
 * counters) belongs to one instance, and its own environment, so `process.env` inside the
 * bundle is the function's and nobody else's. All instances of a function share the compiled
 * code; each instance runs the module's top level once (its cold start).
 *
 * Packages the bundle leaves external (the AWS SDK, which Lambda's runtime provides) are
 * ordinary `require`s: shared by every instance and reading the process's own environment,
 * where the local cloud puts the settings that are the same for every function (region,
 * credentials, the SQS endpoint).
 */
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { compileFunction } from "node:vm";

import type { Handler } from "../../common/lambda/call-handler";

/** The handler bundle could not be loaded, or does not export the named function. */
export class HandlerLoadError extends Error {
  override name = "HandlerLoadError";
}

type ModuleFactory = (
  exports: Record<string, unknown>,
  require: NodeJS.Require,
  module: { exports: Record<string, unknown> },
  __filename: string,
  __dirname: string,
  process: NodeJS.Process,
) => void;

interface Compiled {
  /** The file's identity when it was compiled: a rebuild (watch mode) changes it. */
  stamp: string;
  factory: ModuleFactory;
  require: NodeJS.Require;
}

const compiled = new Map<string, Compiled>();

function stampOf(file: string): string {
  const { mtimeMs, size } = statSync(file);
  return `${mtimeMs}:${size}`;
}

/** The bundle as a function of its module variables; compiled once per build of the file. */
async function compile(file: string): Promise<Compiled> {
  let stamp: string;
  try {
    stamp = stampOf(file);
  } catch {
    throw new HandlerLoadError(`the function's bundle ${file} does not exist`);
  }
  const cached = compiled.get(file);
  if (cached?.stamp === stamp) return cached;
  const source = await readFile(file, "utf8");
  const factory = compileFunction(
    source,
    ["exports", "require", "module", "__filename", "__dirname", "process"],
    { filename: file },
  ) as ModuleFactory;
  const entry = { stamp, factory, require: createRequire(file) };
  compiled.set(file, entry);
  return entry;
}

/**
 * `process` as the bundle sees it: the real one, but with the function's own `env`. Methods
 * are bound to the real process, so `process.on`, `process.nextTick`… behave as usual.
 */
function processWithEnv(env: Record<string, string>): NodeJS.Process {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(process, {
    get(target, property) {
      if (property === "env") return env;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

/**
 * Runs the bundle's top level in a fresh module scope with `env` as its environment and
 * returns its export `handlerName`. A throw at the top level (a setting that fails
 * validation, say) is the function's init error.
 */
export async function instantiateHandler(
  file: string,
  handlerName: string,
  env: Record<string, string>,
): Promise<Handler> {
  const { factory, require } = await compile(file);
  const module = { exports: {} as Record<string, unknown> };
  factory(module.exports, require, module, file, dirname(file), processWithEnv(env));
  const handler = module.exports[handlerName];
  if (typeof handler !== "function") {
    throw new HandlerLoadError(`${file} does not export a function named ${handlerName}`);
  }
  return handler as Handler;
}

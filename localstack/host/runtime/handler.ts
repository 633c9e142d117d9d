/**
 * The INIT phase and the call of one invocation, as the AWS Node.js runtime does them: load
 * `_HANDLER` ("dir/module.export") from the function's code, CommonJS or ESM, then call it
 * async or with a callback, with a Lambda context whose remaining time counts down to the
 * function's timeout.
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { RuntimeError } from "./errors";

type Callback = (err?: unknown, value?: unknown) => void;
export type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string | undefined;
  logStreamName: string | undefined;
  identity: undefined;
  /** LocalStack does not forward ClientContext (execution_environment.py:382-387). */
  clientContext: undefined;
  getRemainingTimeInMillis(): number;
  done?: Callback;
  succeed?: (value: unknown) => void;
  fail?: (err: unknown) => void;
}

const MODULE_EXTENSIONS = [".js", ".cjs", ".mjs"];

async function importModule(file: string): Promise<unknown> {
  if (file.endsWith(".mjs")) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_REQUIRE_ESM") {
      return import(pathToFileURL(file).href);
    }
    throw err;
  }
}

export async function loadHandler(taskRoot: string, handler: string): Promise<Handler> {
  const base = basename(handler);
  const dot = base.indexOf(".");
  if (handler === "" || dot <= 0) {
    throw new RuntimeError("Runtime.MalformedHandlerName", `Bad handler ${handler}`);
  }
  const moduleName = base.slice(0, dot);
  const path = base.slice(dot + 1).split(".");
  const moduleBase = resolve(taskRoot, dirname(handler), moduleName);
  const file = MODULE_EXTENSIONS.map((ext) => moduleBase + ext).find((f) => existsSync(f));
  if (file === undefined) {
    throw new RuntimeError(
      "Runtime.ImportModuleError",
      `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`,
    );
  }
  const loaded = await importModule(file);
  const pick = (root: unknown) =>
    path.reduce<unknown>(
      (o, key) => (o == null ? undefined : (o as Record<string, unknown>)[key]),
      root,
    );
  const fn = pick(loaded) ?? pick((loaded as { default?: unknown } | null)?.default);
  if (typeof fn !== "function") {
    throw new RuntimeError(
      "Runtime.HandlerNotFound",
      `${moduleName}.${path.join(".")} is undefined or not exported`,
    );
  }
  return fn as Handler;
}

export function makeContext(
  env: NodeJS.ProcessEnv,
  requestId: string,
  arn: string,
  deadline: number,
): LambdaContext {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? "",
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
    invokedFunctionArn: arn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Settles with the handler's result: a returned promise, a callback, or a plain return. */
export function callHandler(fn: Handler, event: unknown, context: LambdaContext): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const callback: Callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolvePromise(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err ?? "handled");
    let returned: unknown;
    try {
      returned = fn(event, context, callback);
    } catch (err) {
      callback(err);
      return;
    }
    if (
      returned instanceof Promise ||
      typeof (returned as { then?: unknown })?.then === "function"
    ) {
      (returned as Promise<unknown>).then(
        (value) => callback(null, value),
        (err: unknown) => callback(err ?? "rejected"),
      );
    } else if (fn.length < 3) {
      callback(null, returned); // a synchronous handler without a callback parameter
    }
  });
}

/**
 * The INIT phase as the AWS Node.js runtime does it: load `_HANDLER` ("dir/module.export")
 * from the function's code, CommonJS or ESM. Calling it is common/lambda/call-handler.ts.
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Handler } from "../../../common/lambda/call-handler";
import { RuntimeError } from "./errors";

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

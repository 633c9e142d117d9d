/**
 * The project's folder (the one holding serverless.yml), found by walking up from this file.
 * Walking up rather than a fixed `../..` because this module runs from two places: from its
 * source under vitest, and bundled into node_modules/.cache/ by common/run-ts.cjs.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findProjectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "serverless.yml"))) return dir;
  }
  throw new Error(`no serverless.yml above ${__dirname}`);
}

export const projectRoot = findProjectRoot();

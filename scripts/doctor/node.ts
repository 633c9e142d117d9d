/**
 * Is this Node good for the project: new enough (package.json's engines), tested, supported?
 * Pure, given the version, its path and today's date: unit-tested beside it.
 */
import { installCommand, type Platform } from "../../common/platform";
import type { CheckResult } from "./report";

/** package.json's engines.node (">=20"); node.test.ts checks that the two agree. */
export const MIN_NODE_MAJOR = 20;
/** The Node versions the project's CI runs the whole suite on. */
export const TESTED_NODE_MAJORS: readonly number[] = [20, 24];
/**
 * End of life of each Node release line (nodejs.org's release schedule, checked 2026-12-06):
 * even lines are LTS for 30 months, odd ones live 6 months. Unknown (newer) lines are taken as
 * supported.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: "2025-04-30",
  19: "2023-06-01",
  20: "2026-04-30",
  21: "2024-06-01",
  22: "2027-04-30",
  23: "2025-06-01",
  24: "2028-04-30",
  25: "2026-06-01",
  26: "2029-04-30",
  27: "2027-06-01",
};

export interface NodeFacts {
  /** process.version, e.g. "v20.20.2". */
  version: string;
  /** process.execPath */
  path: string;
  today: Date;
  platform: Platform;
}

export function nodeCheck({ version, path, today, platform }: NodeFacts): CheckResult {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  const tested = `tested: ${TESTED_NODE_MAJORS.join(" and ")}`;
  const base = { id: "node", title: "Node.js", optional: false, version, path };
  const install = `install Node ${TESTED_NODE_MAJORS.at(-1)}: ${installCommand("node", platform)}`;
  if (!Number.isInteger(major) || major < MIN_NODE_MAJOR) {
    return {
      ...base,
      status: "fail",
      summary: `${version} at ${path} is too old: the project needs ${MIN_NODE_MAJOR} or newer (${tested})`,
      fix: install,
    };
  }
  const endOfLife = NODE_END_OF_LIFE[major];
  const found = `${version} at ${path} (${tested})`;
  if (endOfLife !== undefined && today.toISOString().slice(0, 10) > endOfLife) {
    return {
      ...base,
      status: "warn",
      summary: `${found}; Node ${major} reached end of life on ${endOfLife} (no more security fixes)`,
      fix: install,
    };
  }
  const until = endOfLife === undefined ? "" : `, supported until ${endOfLife}`;
  const note =
    major % 2 === 1
      ? `; Node ${major} is not an LTS line${until}`
      : TESTED_NODE_MAJORS.includes(major)
        ? ""
        : `; Node ${major} is not in CI but expected to work${until}`;
  return { ...base, status: "ok", summary: `${found}${note}` };
}

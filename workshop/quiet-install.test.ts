/**
 * The room's first ten minutes are quiet: `npm install` prints nothing a learner cannot act on.
 * npm 11 skips and lists every dependency's install script that package.json's `allowScripts`
 * does not cover, and warns EBADENGINE for a package whose `engines` excludes the running Node
 * (MIN_NODE_MAJOR, the doctor's, is the oldest the project supports: scripts/doctor/node.test.ts
 * holds it equal to package.json's engines). Both are read from the lock file that `npm install`
 * and `npm ci` follow.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../common/project";
import { MIN_NODE_MAJOR } from "../scripts/doctor/node";

interface LockedPackage {
  version?: string;
  hasInstallScript?: boolean;
  engines?: { node?: string } | string[];
}
const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockedPackage>;
};
const locked = Object.entries(lock.packages)
  .filter(([path]) => path.startsWith("node_modules/"))
  .map(([path, pkg]) => ({ name: path.slice(path.lastIndexOf("node_modules/") + 13), ...pkg }));

/** The oldest Node major a range admits: the lowest bound over its `||` alternatives. */
function oldestMajor(range: string): number {
  return Math.min(
    ...range.split("||").map((alternative) => {
      const bound = /(?:>=|\^|~|=|^)\s*v?(\d+)/.exec(alternative.trim());
      return bound ? Number(bound[1]) : 0;
    }),
  );
}

describe("a quiet npm install", () => {
  it("reads engine ranges", () => {
    expect(oldestMajor(">=22")).toBe(22);
    expect(oldestMajor("^18.18.0 || ^20.9.0 || >=21.1.0")).toBe(18);
    expect(oldestMajor(">= 20")).toBe(20);
    expect(oldestMajor("*")).toBe(0);
  });

  it("decides every install script in the lock file (allowed or denied in package.json)", () => {
    const withScripts = locked.filter((pkg) => pkg.hasInstallScript).map((pkg) => pkg.name);
    expect(withScripts.length).toBeGreaterThan(0);
    const decided = manifest.allowScripts ?? {};
    expect(withScripts.filter((name) => !(name in decided))).toEqual([]);
    // esbuild's checks its platform binary: the one the project needs
    expect(decided.esbuild).toBe(true);
  });

  it("locks no package that refuses the oldest Node the project supports", () => {
    const refusing = locked.filter((pkg) => {
      const node = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      return node !== undefined && oldestMajor(node) > MIN_NODE_MAJOR;
    });
    expect(
      refusing.map((pkg) => `${pkg.name}@${pkg.version}: ${JSON.stringify(pkg.engines)}`),
    ).toEqual([]);
  });
});

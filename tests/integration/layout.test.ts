/**
 * The tree's layering: top-level folders import each other in one direction only, so each can be
 * read (and moved) without the ones above it. Test files are left out: a unit test beside the
 * code may use tests/fixtures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";

const SOURCE = /\.(ts|mts|js|cjs|mjs)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".esbuild", ".serverless", "results"]);
const IMPORT = /(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) && !entry.name.includes(".test.") ? [path] : [];
  });
}

const topFolder = (file: string) => relative(projectRoot, file).split("/")[0] ?? "";

/** folder → the other top-level folders its source files import */
function folderGraph(folders: readonly string[]): Map<string, Set<string>> {
  const graph = new Map(folders.map((folder) => [folder, new Set<string>()]));
  for (const folder of folders) {
    for (const file of sourceFiles(join(projectRoot, folder))) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const target = topFolder(resolve(dirname(file), spec ?? ""));
        if (target !== folder && graph.has(target)) graph.get(folder)?.add(target);
      }
    }
  }
  return graph;
}

/** One cycle of the graph as a path (a → b → a), or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const walk = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === "done") return undefined;
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) {
      const cycle = walk(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = walk(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

const FOLDERS = [
  "functions",
  "common",
  "offline",
  "localstack",
  "scripts",
  "bench",
  "workshop",
  "tests",
];

describe("layout", () => {
  it("finds a cycle when there is one (the checker itself)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", new Set(["b"])]]))).toBeUndefined();
  });

  it("has no import loop between top-level folders", () => {
    const graph = folderGraph(FOLDERS);
    expect(graph.get("offline")?.size, "offline imports something").toBeGreaterThan(0);
    expect(findCycle(graph)).toBeUndefined();
  });

  it("keeps the local cloud's top level small (its parts live in sub-folders)", () => {
    const top = readdirSync(join(projectRoot, "offline")).filter((name) => SOURCE.test(name));
    expect(top.filter((name) => !name.includes(".test.")).length).toBeLessThanOrEqual(6);
  });
});

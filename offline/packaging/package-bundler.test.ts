import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const { zipFoldersOf } = createRequire(import.meta.url)("./package-bundler.js") as {
  zipFoldersOf: (names: string[], functions: Set<string>, pid: number) => string[];
};

describe("zipFoldersOf", () => {
  it("picks the zip folders serverless-esbuild made for this process's functions only", () => {
    const names = [
      "hasher-4242-1796549081705-a31ecd62",
      "worker-tickets-4242-1796549081705-0011aabb", // a function name with a dash
      "hasher-4243-1796549081705-a31ecd62", // another process's
      "rng-4242-1796549081705-nothex!!",
      "other-4242-1796549081705-a31ecd62", // not a function of this service
      "dockercoins-package-abc",
    ];
    expect(zipFoldersOf(names, new Set(["hasher", "worker-tickets", "rng"]), 4242)).toEqual([
      "hasher-4242-1796549081705-a31ecd62",
      "worker-tickets-4242-1796549081705-0011aabb",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { collectGarbage } from "./full-gc";

/** Makes `mib` MiB of short-lived objects and returns the heap in use right after. */
function makeGarbage(mib: number): number {
  let kept: unknown[] = [];
  for (let i = 0; i < mib * 1024; i++) kept.push({ i, text: "x".repeat(1000 + (i % 7)) });
  const used = process.memoryUsage().heapUsed;
  kept = [];
  return used + kept.length;
}

// In a function's sandbox (a worker thread): offline/serverless/function-runner.test.ts.
describe("collectGarbage", () => {
  it("collects what nothing holds any more, in the main thread", () => {
    const withGarbage = makeGarbage(64);
    collectGarbage();
    expect(withGarbage - process.memoryUsage().heapUsed).toBeGreaterThan(16 * 2 ** 20);
  });
});

import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";

// `npm run bench` is not part of the test suite (it takes minutes and wants a quiet machine);
// its 10-second mode is, so that the benchmark keeps working. No figure is asserted here.
describe("npm run bench -- --quick", () => {
  it("measures every figure and writes its JSON", async () => {
    const file = join(projectRoot, "test-results", "bench-quick.json");
    rmSync(file, { force: true });
    await promisify(execFile)(process.execPath, ["common/run-ts.cjs", "bench/run.ts", "--quick"], {
      cwd: projectRoot,
      timeout: 120_000,
    });
    const result = JSON.parse(readFileSync(file, "utf8"));
    expect(result.mode).toBe("quick");
    expect(result.launch.firstCountedHashMs).toBeGreaterThan(result.launch.readyMs);
    expect(result.workshopPace.hashesPerSecond).toBeGreaterThan(0);
    expect(Object.keys(result.latency)).toHaveLength(6); // five endpoints and the cloud report
    for (const byConcurrency of Object.values(result.latency) as Record<
      string,
      { requests: number; errors: number }
    >[]) {
      for (const run of Object.values(byConcurrency)) {
        expect(run.requests).toBeGreaterThan(0);
        expect(run.errors).toBe(0);
      }
    }
    for (const level of ["replicas1", "replicas4"]) {
      expect(result.mining[level].hashesPerSecond).toBeGreaterThan(0);
      expect(result.mining[level].cpuMsPerHash).toBeGreaterThan(0);
      expect(result.mining[level].rssMiB).toBeGreaterThan(0);
    }
    expect(Object.keys(result.bundleBytes)).toHaveLength(6);
    expect(result.goals.length).toBeGreaterThan(10);
  }, 150_000);
});

describe("npm run bench -- --durability --quick", () => {
  it("mines on a durable and an ephemeral Redis in turns and writes the ratio", async () => {
    const file = join(projectRoot, "test-results", "bench-durability-quick.json");
    rmSync(file, { force: true });
    await promisify(execFile)(
      process.execPath,
      ["common/run-ts.cjs", "bench/run.ts", "--durability", "--quick"],
      { cwd: projectRoot, timeout: 120_000 },
    );
    const { cost } = JSON.parse(readFileSync(file, "utf8"));
    for (const kind of ["durable", "ephemeral"]) {
      expect(cost.windows[kind]).toHaveLength(2);
      expect(cost.hashesPerSecond[kind]).toBeGreaterThan(0);
    }
    expect(cost.ratio).toBeGreaterThan(0);
  }, 150_000);
});

import { describe, expect, it } from "vitest";
import { type BenchResult, evaluateGoals } from "./goals";

const window = (hashesPerSecond: number, rssMiB = 200, cpuMsPerHash = 1.5, cores = 1) => ({
  hashesPerSecond,
  rssMiB,
  cpuMsPerHash,
  cores,
});

const result = (overrides: Partial<BenchResult> = {}): BenchResult => ({
  launch: { readyMs: 3_000, firstCountedHashMs: 3_600 },
  workshopPace: window(3.3, 180, 3, 0.02),
  latency: {
    "floor (GET /rng banner)": { c10: { requests: 1, errors: 0, rps: 1_500, p50Ms: 1, p99Ms: 2 } },
  },
  mining: { replicas1: window(600), replicas4: window(700), replicas8: window(710) },
  bundleBytes: { "rng/handler.js": 6_000 },
  ...overrides,
});

const metOf = (goals: ReturnType<typeof evaluateGoals>, prefix: string) =>
  goals.find((g) => g.goal.startsWith(prefix))?.met;

describe("bench goals", () => {
  it("meets the targets when every figure is within them", () => {
    const goals = evaluateGoals(result());
    expect(metOf(goals, "4 replicas, delays 0")).toBe(true);
    expect(metOf(goals, "more replicas never mine less")).toBe(true);
    expect(metOf(goals, "launch to first counted hash")).toBe(true);
    expect(metOf(goals, "rng/handler.js")).toBe(true);
  });

  it("flags more replicas mining less, memory over the cap, and a slow launch", () => {
    const goals = evaluateGoals(
      result({
        mining: { replicas1: window(600), replicas4: window(700, 320), replicas8: window(650) },
        launch: { readyMs: 3_900, firstCountedHashMs: 4_300 },
      }),
    );
    expect(metOf(goals, "more replicas never mine less")).toBe(false);
    expect(metOf(goals, "RSS of the local cloud ≤ 300 MiB")).toBe(false);
    expect(metOf(goals, "launch to first counted hash")).toBe(false);
  });

  it("compares with a peer measured in the same run when there is one", () => {
    const goals = evaluateGoals(result({ peer: { hashesPerSecond: 800 } }));
    const goal = goals.find((g) => g.goal.startsWith("4 replicas, delays 0"));
    expect(goal?.goal).toContain("800 h/s, the peer, same run");
    expect(goal?.met).toBe(false);
  });

  it("holds the cloud report to p99 ≤ 30 ms at 8 clients", () => {
    const at = (p99Ms: number) =>
      evaluateGoals(
        result({
          latency: {
            "cloud report via dashboard": {
              c8: { requests: 1, errors: 0, rps: 900, p50Ms: 5, p99Ms },
            },
          },
        }),
      );
    expect(metOf(at(12), "cloud report")).toBe(true);
    expect(metOf(at(31), "cloud report")).toBe(false);
    expect(metOf(evaluateGoals(result()), "cloud report")).toBe(false); // not measured: not met
  });

  it("checks the soak only when it ran", () => {
    expect(metOf(evaluateGoals(result()), "soak")).toBeUndefined();
    const soaked = evaluateGoals(
      result({
        soak: { rssGrowthAfterWarmUp: 0.12, handleGrowthAfterWarmUp: 0, messagePortsAtEnd: 0 },
      }),
    );
    expect(metOf(soaked, "soak: RSS")).toBe(false);
    expect(metOf(soaked, "soak: live handles")).toBe(true);
  });
});

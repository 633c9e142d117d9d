import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../common/project";
import { learnerUsage, MEASURED, PRICES, ROOM, roomDayCost } from "./cost-model";

const result = (file: string) =>
  JSON.parse(readFileSync(join(projectRoot, "bench", "results", file), "utf8"));

describe("the workshop's cost model", () => {
  it("takes its call rates from the measured results", () => {
    const scaling = result("scaling-2026-12-01.json") as {
      rows: { rngConcurrency: number; replicas: number; hashesPerSecond: number }[];
    };
    const row = (replicas: number) =>
      scaling.rows.find((r) => r.rngConcurrency === 10 && r.replicas === replicas);
    expect(row(1)?.hashesPerSecond).toBe(MEASURED.oneWorkerHashesPerSecond);
    expect(row(10)?.hashesPerSecond).toBe(MEASURED.tenWorkersHashesPerSecond);
    const exercises = result("2026-12-06-exercises.json");
    expect(exercises.bottleneck.rng.p50Ms).toBe(MEASURED.rngDurationMs);
    expect(exercises.bottleneck.hasher.p50Ms).toBe(MEASURED.hasherDurationMs);
    const calls = result("2026-12-07-workshop-calls.json");
    expect(calls.oneWorker.redisCommandsPerSecond).toBe(MEASURED.redisCommandsPerWorkerSecond);
    expect(calls.json.redisCommandsPerCall).toBe(MEASURED.redisCommandsPerJson);
  });

  it("counts one learner's day as the slide's arithmetic does", () => {
    const usage = learnerUsage();
    // 7 h at 3.17 hashes/s, 1 h at 31
    expect(usage.hashes).toBeCloseTo(3.17 * 25_200 + 31 * 3_600, 6);
    expect(usage.replicaSeconds).toBe(25_200 + 10 * 3_600);
    // two API calls per hash, two dashboard polls a second for 8 h
    expect(usage.apiRequests).toBeCloseTo(2 * 191_484 + 2 * 28_800, 6);
    expect(usage.lambdaInvocations).toBeCloseTo(2 * 191_484 + 61_200 / 20 + 57_600 + 480, 6);
    expect(usage.redisCommands).toBe(35 * 61_200 + 402 * 28_800);
    expect(usage.sqsRequests).toBe(3 * 3_060 + 15 * 480);
    expect(usage.cloudWatchMetrics).toBeCloseTo(3.1 * 28_800, 6);
  });

  it("prices each line and sums them, for a learner and for the room", () => {
    const cost = roomDayCost();
    const api = cost.lines.find((l) => l.service === "API Gateway (REST)");
    expect(api?.perLearner).toBeCloseTo((440_568 / 1e6) * 3.5, 9);
    expect(cost.perLearner).toBeCloseTo(
      cost.lines.reduce((sum, l) => sum + l.perLearner, 0),
      9,
    );
    expect(cost.room).toBeCloseTo(cost.perLearner * ROOM.learners, 9);
    expect(cost.shown).toContain(PRICES.upstashFixedPerMonth);
  });

  it("scales with the room and the day", () => {
    const small = roomDayCost({ ...ROOM, learners: 1 });
    const double = roomDayCost({ ...ROOM, hours: 16, tenWorkerHours: 2 });
    expect(small.room).toBeCloseTo(small.perLearner, 9);
    expect(double.perLearner).toBeCloseTo(2 * roomDayCost().perLearner, 9);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../common/project";
import recorded from "../../../tests/fixtures/host-executor-stats.json";
import {
  HISTORY_SECONDS,
  RATE_WINDOW_SECONDS,
  REPORT_WINDOW_SECONDS,
} from "../../shared/cloud-report";
import { HOST_EXECUTOR_STATS_PATH } from "../../shared/config";
import { ExecutorStatsError, hostExecutorReport, parseExecutorStats } from "./host-report";

// tests/fixtures/host-executor-stats.json: GET /_host_executor/stats of a real LocalStack 4.13.1
// in host mode (this machine, `npm run deploy:local`, then `npm run scale -- 10` with rng's
// reserved concurrency 1), captured as it answered.
const FUNCTIONS = ["rng", "hasher", "worker", "supervisor", "scale", "webui"].map((key) => ({
  key,
  name: `dockercoins-local-${key}`,
}));
const QUEUE = {
  name: "dockercoins-local-worker-tickets",
  url: "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/dockercoins-local-worker-tickets",
  deadLetter: {
    name: "dockercoins-local-worker-tickets-dlq",
    url: "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/dockercoins-local-worker-tickets-dlq",
  },
};
const queues = {
  [QUEUE.url]: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "10" },
  [QUEUE.deadLetter.url]: {
    ApproximateNumberOfMessages: "1",
    ApproximateNumberOfMessagesNotVisible: "0",
  },
};
const report = (body: unknown = recorded, functions = FUNCTIONS) =>
  hostExecutorReport("local", functions, QUEUE, {
    stats: parseExecutorStats(body),
    queues,
    reservedConcurrency: { rng: 1 },
  });
const clone = () => JSON.parse(JSON.stringify(recorded)) as typeof recorded;

describe("the cloud report of LocalStack host mode, from the host executor's figures", () => {
  it("shows the executor's instances, cold starts, throttles and durations per function", () => {
    const byKey = Object.fromEntries(report().functions.map((fn) => [fn.key, fn]));
    // rng at its limit of 1: one instance, busy, 555 calls refused in the minute.
    expect(byKey.rng).toMatchObject({
      instances: 1,
      busy: 1,
      concurrencyLimit: 1,
      throttles: 555,
      coldStartsTotal: 1,
      waits: null,
      waiting: null,
    });
    expect(byKey.rng?.durationP50Ms).toBeCloseTo(100.2);
    // Ten worker replicas: ten processes, each a cold start; hasher needs two.
    expect(byKey.worker).toMatchObject({ instances: 10, busy: 10, coldStartsTotal: 10 });
    expect(byKey.hasher).toMatchObject({ instances: 2, concurrencyLimit: null, throttles: 0 });
  });

  it("shows memory and out-of-memory kills from an executor that measures them", () => {
    const body = clone() as ReturnType<typeof clone> & { memoryMeasured?: boolean };
    body.memoryMeasured = true;
    Object.assign(body.functions["dockercoins-local-rng"], {
      maxMemoryUsedMb: 259,
      memorySizeMb: 256,
      outOfMemory: 3,
    });
    const { reported, functions } = report(body);
    expect([reported.maxMemoryUsedMb, reported.memorySizeMb, reported.outOfMemory]).toEqual([
      true,
      true,
      true,
    ]);
    expect(functions.find((fn) => fn.key === "rng")).toMatchObject({
      maxMemoryUsedMb: 259,
      memorySizeMb: 256,
      outOfMemory: 3,
    });
    Object.assign(body.functions["dockercoins-local-rng"], { outOfMemory: -1 });
    expect(() => report(body)).toThrow("dockercoins-local-rng.outOfMemory is not a count");
  });

  it("says what it cannot know instead of a 0: waits, memory, and the queue's age", () => {
    const { reported, queues: [queue] = [] } = report();
    expect(
      Object.entries(reported)
        .filter(([, known]) => !known)
        .map(([f]) => f),
    ).toEqual([
      "waiting",
      "waits",
      // The executor does not measure its node processes' memory (yet).
      "maxMemoryUsedMb",
      "memorySizeMb",
      "outOfMemory",
      "oldestAgeSeconds",
    ]);
    expect(queue).toEqual({
      name: QUEUE.name,
      visible: 0,
      inFlight: 10,
      oldestAgeSeconds: null,
      deadLetter: { name: QUEUE.deadLetter.name, messages: 1 },
    });
  });

  it("keeps the executor's per-second history, its windows and its clock", () => {
    const built = report();
    expect(built.concurrency?.start).toBe(recorded.historyStart);
    expect(built.concurrency?.byFunction.worker?.slice(-3)).toEqual([10, 10, 10]);
    expect(built.concurrency?.byFunction.rng).toHaveLength(HISTORY_SECONDS);
    expect([built.now, built.windowSeconds, built.rateWindowSeconds]).toEqual([
      recorded.now,
      REPORT_WINDOW_SECONDS,
      RATE_WINDOW_SECONDS,
    ]);
  });

  it("shows a function the executor never started as idle: no instance, nothing run", () => {
    const body = clone();
    delete (body.functions as Record<string, unknown>)["dockercoins-local-scale"];
    const scale = report(body).functions.find((fn) => fn.key === "scale");
    expect(scale).toMatchObject({ instances: 0, coldStartsTotal: 0, durationP50Ms: null });
    expect(report(body).concurrency?.byFunction.scale).toEqual(Array(HISTORY_SECONDS).fill(0));
  });

  it("reports throttles as unknown when the executor could not count them", () => {
    const body = { ...clone(), throttlesCounted: false };
    const built = report(body);
    expect(built.reported.throttles).toBe(false);
    expect(built.functions.every((fn) => fn.throttles === null)).toBe(true);
  });

  it("refuses an answer that is not the executor's figures, naming the field", () => {
    expect(() => parseExecutorStats("<html>")).toThrow(ExecutorStatsError);
    const body = clone();
    body.functions["dockercoins-local-rng"].instances = -1;
    expect(() => parseExecutorStats(body)).toThrow(
      "dockercoins-local-rng.instances is not a count",
    );
    const short = clone();
    short.functions["dockercoins-local-rng"].concurrency = [1, 1];
    expect(() => parseExecutorStats(short)).toThrow(
      "dockercoins-local-rng.concurrency is not 300 counts",
    );
    expect(() => parseExecutorStats({ ...clone(), throttlesCounted: "yes" })).toThrow(
      "throttlesCounted is not a boolean",
    );
  });

  it("agrees with the Python side on the route and the windows", () => {
    const host = join(projectRoot, "localstack", "host", "src", "localstack_host_executor");
    const route = readFileSync(join(host, "stats_route.py"), "utf8");
    const stats = readFileSync(join(host, "stats.py"), "utf8");
    expect(route).toContain(`STATS_PATH = "${HOST_EXECUTOR_STATS_PATH}"`);
    expect(stats).toContain(`REPORT_WINDOW_SECONDS = ${REPORT_WINDOW_SECONDS}\n`);
    expect(stats).toContain(`RATE_WINDOW_SECONDS = ${RATE_WINDOW_SECONDS}\n`);
    expect(stats).toContain(`HISTORY_SECONDS = ${HISTORY_SECONDS}\n`);
  });
});

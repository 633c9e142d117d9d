import { randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRedisServer, startRedisServer } from "../../common/redis/server";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { sumOfBuckets } from "../support/redis-keys";
import { startWorkerProcess } from "../support/worker-process";

// A worker process killed (SIGKILL) mid-slice: its replica is taken over once the lease
// expires (scaling.test.ts times that), and nothing is counted twice. What the killed process
// computed but had not flushed dies with it, so `hashes` may fall short of the hashes computed
// by at most that, and must never exceed them.
const SLICE_MS = 3_000;
const LEASE_TTL_MS = 3_000;
const settings = {
  RNG_CONCURRENCY: "10",
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "20",
  WORKER_SLICE_MS: String(SLICE_MS),
  WORKER_LEASE_TTL_MS: String(LEASE_TTL_MS),
};
let redisServer: RunningRedisServer;
let redis: IORedis;
let cloud: LocalCloud;

beforeAll(async () => {
  redisServer = await startRedisServer({ port: 0 });
  redis = new IORedis(redisServer.url);
  cloud = await startLocalCloud({ ...settings, REDIS_URL: redisServer.url });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
  redis?.disconnect();
  await redisServer?.stop();
});

/** Every hasher call that answered 200 was one hash computed, by any process. */
const hashesComputed = () =>
  cloud.output.filter((line) => /^hasher\s+\| POST \/hasher 200/.test(line)).length;

describe("a worker process killed mid-slice", () => {
  it("is taken over, and no hash is counted twice", async () => {
    const id = `external-${randomUUID()}`;
    await redis.set("workers:ticket:1", id, "PX", 60_000);
    await redis.set("workers:desired", "2");
    const worker = startWorkerProcess(cloud, { replica: 1, id }, settings);
    await eventually(
      async () => ((await redis.get("workers:lease:1")) === id ? true : undefined),
      15_000,
      "the external replica mining",
    );
    // Mid-slice, between two flushes: some of its hashes are saved, some not yet.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    worker.kill("SIGKILL");
    const killedAt = Date.now();
    const computedAtKill = hashesComputed();
    await eventually(
      async () => {
        const holder = await redis.get("workers:lease:1");
        return holder !== null && holder !== id ? true : undefined;
      },
      20_000,
      "replica 1 taken over",
    );
    const takeoverMs = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const { code } = await cloud.stop();
    expect(code).toBe(0);

    const hashes = Number(await redis.get("hashes"));
    const computed = hashesComputed();
    console.log(
      `taken over ${takeoverMs} ms after the kill; hashes ${hashes}, computed ${computed} ` +
        `(${computed - hashes} computed by the killed process and never flushed)`,
    );
    expect(computedAtKill).toBeGreaterThan(0);
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_TTL_MS + SLICE_MS + 1_000);
    expect(await sumOfBuckets(redis)).toBe(hashes);
    expect(hashes).toBeLessThanOrEqual(computed);
    // At most about one flush interval (1 s) of one replica's work is lost: < 100 hashes here.
    expect(computed - hashes).toBeLessThan(100);
  });
});

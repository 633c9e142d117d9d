import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRedisServer, startRedisServer } from "../../common/redis/server";
import { probe } from "../support/http-probe";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { loggedUnits, sumOfBuckets } from "../support/redis-keys";

// Redis really stopped (SIGTERM, port closed) for 10 s while two replicas mine, then started
// again on the same port. The Redis is this test's own, with an fsync'ed append-only file, so
// that a restart keeps the data as a real one would (the local cloud's own Redis is ephemeral).
const OUTAGE_MS = 10_000;
const FLUSH_INTERVAL_MS = 1_000;
const persistDir = mkdtempSync(join(tmpdir(), "dockercoins-redis-aof-"));
let redisServer: RunningRedisServer;
let redis: IORedis;
let cloud: LocalCloud;

beforeAll(async () => {
  redisServer = await startRedisServer({ port: 0, persistDir });
  redis = new IORedis(redisServer.url, { lazyConnect: true });
  redis.on("error", () => {}); // it reconnects by itself after the restart
  await redis.connect();
  cloud = await startLocalCloud({
    REDIS_URL: redisServer.url,
    WORKER_REPLICAS: "2",
    RNG_CONCURRENCY: "10",
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "20",
    // Slices long enough that the replicas mine on through much of the outage.
    WORKER_SLICE_MS: "8000",
    WORKER_LEASE_TTL_MS: "3000",
    WORKER_FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS),
    // A turn that fails while Redis is down is redelivered in seconds, not minutes.
    WORKER_QUEUE_VISIBILITY_SECONDS: "10",
    WORKER_MAX_RECEIVES: "10",
  });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

/** Hashes the workers computed so far: every hasher call that answered 200 was one. */
const hashesComputed = () =>
  cloud.output.filter((line) => /^hasher\s+\| POST \/hasher 200/.test(line)).length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Redis stopped for 10 s mid-run, then started again", () => {
  it("/json answers 503 JSON at once meanwhile; counts are kept, flushed after recovery, exact", async () => {
    await eventually(
      async () => (Number(await redis.get("hashes")) > 100 ? true : undefined),
      20_000,
      "mining",
    );
    const { port } = redisServer;
    await redisServer.stop();
    const downAt = Date.now();
    const atStop = hashesComputed();

    // Meanwhile: /json, through the API and the dashboard, must fail fast with a JSON 503.
    let slowestMs = 0;
    const statuses: number[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      for (const base of [cloud.apiUrl, cloud.dashboardUrl]) {
        const started = Date.now();
        const res = await probe(`${base}/json`);
        slowestMs = Math.max(slowestMs, Date.now() - started);
        statuses.push(res.status);
        if (res.status === 503) expect(res.json?.error).toMatch(/Redis is unavailable/);
      }
      await pause(500);
    }
    const computedDuringOutage = hashesComputed() - atStop;

    redisServer = await startRedisServer({ port, persistDir });
    const upAt = Date.now();
    const computedByRestart = hashesComputed();
    // Everything computed up to the restart is in Redis within one flush (+ the reconnect).
    await eventually(
      async () => (Number(await redis.get("hashes")) >= computedByRestart ? true : undefined),
      15_000,
      "the kept counts to be flushed",
    );
    const flushedMs = Date.now() - upAt;
    await eventually(
      async () => ((await probe(`${cloud.apiUrl}/json`)).status === 200 ? true : undefined),
      10_000,
      "/json to answer 200 again",
    );
    const jsonBackMs = Date.now() - upAt;
    await eventually(
      async () => (hashesComputed() > computedByRestart + 50 ? true : undefined),
      30_000,
      "mining to go on after the restart",
    );
    const miningMs = Date.now() - upAt;
    await pause(2_000);
    const { code } = await cloud.stop();
    expect(code).toBe(0);

    const hashes = Number(await redis.get("hashes"));
    const computed = hashesComputed();
    console.log(
      `outage ${OUTAGE_MS} ms: /json ${statuses.filter((s) => s === 503).length}×503 of ` +
        `${statuses.length}, slowest ${slowestMs} ms; ${computedDuringOutage} hashes computed ` +
        `while down; kept counts flushed ${flushedMs} ms after the restart, /json 200 after ` +
        `${jsonBackMs} ms, mining on after ${miningMs} ms; final hashes ${hashes} = computed ${computed}`,
    );
    expect(statuses.every((s) => s === 503 || s === 200)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(statuses.length - 2);
    expect(slowestMs).toBeLessThan(3_000);
    expect(computedDuringOutage).toBeGreaterThan(50); // the replicas mined on, not paused
    expect(flushedMs).toBeLessThan(FLUSH_INTERVAL_MS + 4_000);
    const output = cloud.output.join("\n");
    expect(output).toMatch(/lost Redis at .*answering 503 and reconnecting/);
    expect(output).toMatch(/Redis at .* is back/);
    expect(output).toMatch(/counts saved again after failures/);
    expect(hashes).toBe(computed);
    expect(await sumOfBuckets(redis)).toBe(hashes);
    expect(loggedUnits(cloud.output)).toBe(hashes);
  });
});

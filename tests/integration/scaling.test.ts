import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { cloudSqs, TICKET_QUEUE } from "../support/sqs";
import { startWorkerProcess } from "../support/worker-process";

// Scaling on the real local cloud, with the original's delays (0.1 s) and rng's concurrency
// raised to 10 so that ten replicas can run. Short slices and leases keep the test brisk.
const SLICE_MS = 3_000;
const LEASE_TTL_MS = 3_000;
const SCALE_TOKEN = "scaling-test-token-0123456789";
const settings = {
  RNG_CONCURRENCY: "10",
  WORKER_SLICE_MS: String(SLICE_MS),
  WORKER_LEASE_TTL_MS: String(LEASE_TTL_MS),
  SCALE_TOKEN,
};

let cloud: LocalCloud;
let redis: Redis;

beforeAll(async () => {
  cloud = await startLocalCloud(settings);
  redis = new Redis({
    url: cloud.bridgeUrl,
    token: cloud.tokens.redisRestToken,
    enableTelemetry: false,
    automaticDeserialization: false,
  });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const stats = async () =>
  (await (await fetch(`${cloud.apiUrl}/json`)).json()) as {
    hashes: number;
    workers: { desired: number; active: number };
    series: { hashes: number[]; workers: number[] };
  };

const scale = (replicas: unknown, token: string | null = SCALE_TOKEN) =>
  fetch(`${cloud.apiUrl}/workers`, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof replicas === "string" ? replicas : JSON.stringify({ replicas }),
  });

/** Hashes per second over the last `seconds` complete seconds of /json's series. */
async function rateOver(seconds: number): Promise<number> {
  const { series } = await stats();
  return series.hashes.slice(-seconds).reduce((a, b) => a + b, 0) / seconds;
}

const waitFor = (what: string, timeoutMs: number, check: () => Promise<boolean>) =>
  eventually(async () => ((await check()) ? true : undefined), timeoutMs, what);

describe("scaling the miners", () => {
  it("a duplicate ticket does not double the rate", async () => {
    await waitFor("one replica mining", 20_000, async () => (await rateOver(5)) > 2);
    const sqs = cloudSqs(cloud);
    // Duplicates of whatever ticket replica 0 holds now (a lease while it mines, a ticket in between).
    for (let i = 0; i < 6; i += 1) {
      const [lease, ticket] = (await redis.mget("workers:lease:0", "workers:ticket:0")) as (
        | string
        | null
      )[];
      const id = ticket ?? lease ?? "none";
      await sqs.send(TICKET_QUEUE, JSON.stringify({ replica: 0, id }));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const { series } = await stats();
    expect(Math.max(...series.workers.slice(-8))).toBe(1);
    expect(await rateOver(8)).toBeLessThan(4.5); // one replica: 3.33/s; doubled would be 6.7
  });

  it("the scale endpoint wants a valid token and a sane count", async () => {
    expect((await scale(3, null)).status).toBe(401);
    expect((await scale(3, "wrong-token-wrong-token")).status).toBe(401);
    for (const bad of [-1, 1e9, 2.5]) {
      const res = await scale(bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /replicas must be a whole number from 0 to 50/,
      );
    }
    expect((await scale("not json")).status).toBe(400);
    expect((await stats()).workers.desired).toBe(1);
  });

  it("a replica whose process is killed mid-slice is taken over within the lease TTL plus one slice", async () => {
    const id = `external-${randomUUID()}`;
    await redis.set("workers:ticket:1", id, { px: 60_000 });
    await redis.set("workers:desired", "2");
    const worker = startWorkerProcess(cloud, { replica: 1, id }, settings);
    await waitFor(
      "the external replica mining",
      15_000,
      async () => (await redis.get("workers:lease:1")) === id,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    worker.kill("SIGKILL");
    const killedAt = Date.now();
    await waitFor("replica 1 taken over", 20_000, async () => {
      const holder = await redis.get("workers:lease:1");
      return holder !== null && holder !== id;
    });
    const recoveryMs = Date.now() - killedAt;
    console.log(`replica 1 taken over ${recoveryMs} ms after its process was killed`);
    expect(recoveryMs).toBeLessThanOrEqual(LEASE_TTL_MS + SLICE_MS + 1_000);
  });

  it("scales to 10 with tickets issued at once, and back to 2 within one slice", async () => {
    let started = Date.now();
    const up = await scale(10);
    expect(up.status).toBe(200);
    expect(((await up.json()) as { issued: number[] }).issued.length).toBeGreaterThanOrEqual(8);
    // Measured ≈ 3 s on a quiet 2-core machine (nine cold worker instances); the bound leaves
    // room for a loaded CI machine.
    await waitFor("10 active replicas", 15_000, async () => (await stats()).workers.active === 10);
    console.log(`10 replicas active ${Date.now() - started} ms after scaling`);
    started = Date.now();
    const res = await scale(2);
    expect(await res.json()).toMatchObject({ desired: 2, previous: 10, issued: [] });
    await waitFor("2 active replicas", SLICE_MS, async () => (await stats()).workers.active === 2);
    console.log(`2 replicas active ${Date.now() - started} ms after scaling down`);
  });
});

import type IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalCloud } from "../support/launcher";
import { portIsClosed } from "../support/net";
import { type CloudOnOwnRedis, startCloudOnOwnRedis } from "../support/own-redis";
import { loggedUnits, sumOfBuckets } from "../support/redis-keys";

// Ctrl-C with a Redis the user runs (REDIS_URL): the cloud must leave it running, and every
// hash the worker computed must be in it, exactly once, in the total and in the buckets.
let setup: CloudOnOwnRedis;
let redis: IORedis;
let cloud: LocalCloud;

beforeAll(async () => {
  setup = await startCloudOnOwnRedis({
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "10",
  });
  ({ redis, cloud } = setup);
});

afterAll(async () => {
  await setup?.close();
});

describe("Ctrl-C", () => {
  it("flushes the last counts, releases the replica and stops within 3 seconds", async () => {
    await eventually(
      async () => (Number(await redis.get("hashes")) > 50 ? true : undefined),
      20_000,
      "mining",
    );
    const { code, ms } = await cloud.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);

    // What the worker logged as flushed is exactly what Redis holds.
    const logged = loggedUnits(cloud.output);
    const hashes = Number(await redis.get("hashes"));
    expect(hashes).toBe(logged);
    expect(await sumOfBuckets(redis)).toBe(hashes);
    expect(await redis.exists("workers:lease:0")).toBe(0);

    // Nothing the cloud started still listens; the user's Redis is left alone.
    for (const [name, port] of Object.entries(cloud.ports)) {
      if (name !== "redis") expect(await portIsClosed(port)).toBe(true);
    }
    expect(await redis.ping()).toBe("PONG");
  });
});

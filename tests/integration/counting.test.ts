import type IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalCloud } from "../support/launcher";
import { type CloudOnOwnRedis, startCloudOnOwnRedis } from "../support/own-redis";
import { loggedUnits, sumOfBuckets } from "../support/redis-keys";

// Counting stays exact while Redis misbehaves. Freezing redis-server (SIGSTOP) is the nasty
// case: commands time out at the client, yet Redis runs them when it wakes, so a flush can be
// applied although its caller saw an error. Three replicas mine throughout.
let setup: CloudOnOwnRedis;
let redis: IORedis;
let cloud: LocalCloud;

beforeAll(async () => {
  setup = await startCloudOnOwnRedis({
    WORKER_REPLICAS: "3",
    RNG_CONCURRENCY: "10",
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "20",
    WORKER_SLICE_MS: "3000",
    WORKER_LEASE_TTL_MS: "3000",
  });
  ({ redis, cloud } = setup);
});

afterAll(async () => {
  await setup?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("exact counting under failures", () => {
  it("hashes equals the per-second buckets and every hash computed, after Redis froze for 4 s", async () => {
    await eventually(
      async () => (Number(await redis.get("hashes")) > 100 ? true : undefined),
      20_000,
      "mining",
    );
    const pid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
    process.kill(pid, "SIGSTOP");
    await pause(4_000);
    process.kill(pid, "SIGCONT");
    await pause(5_000);
    const { code } = await cloud.stop();
    expect(code).toBe(0);

    const output = cloud.output.join("\n");
    expect(output).toMatch(/saving counts failed; keeping them and retrying/);
    expect(output).toMatch(/counts saved again after failures/);
    const hashes = Number(await redis.get("hashes"));
    // Every hasher call that answered 200 was one hash the workers computed: an independent count.
    const hashed = cloud.output.filter((line) =>
      /^hasher\s+\| POST \/hasher 200/.test(line),
    ).length;
    console.log(`hashes ${hashes}, hasher calls ${hashed}, logged ${loggedUnits(cloud.output)}`);
    expect(await sumOfBuckets(redis)).toBe(hashes);
    expect(loggedUnits(cloud.output)).toBe(hashes);
    expect(hashes).toBe(hashed);
  });
});

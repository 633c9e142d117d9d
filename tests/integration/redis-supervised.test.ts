/**
 * The local cloud's redis-server is supervised, as a managed Redis replaces a dead node: killed
 * (SIGKILL) while two replicas mine, it is back on the same port with the same data within
 * seconds, /json answers again, mining resumes, and not one hash is lost or counted twice. A
 * Redis that keeps dying stops the local cloud with a message instead of a restart loop.
 * The whole local cloud, real redis-server processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import IORedis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { redisOnPort } from "../../common/redis/port-holder";
import { startRedisServer } from "../../common/redis/server";
import { probe } from "../support/http-probe";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { loggedUnits, sumOfBuckets } from "../support/redis-keys";

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-supervised-"));
const clouds: LocalCloud[] = [];
afterAll(async () => {
  for (const cloud of clouds) if (cloud.process.exitCode === null) await cloud.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const MINING = {
  WORKER_REPLICAS: "2",
  RNG_CONCURRENCY: "10",
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "20",
  WORKER_SLICE_MS: "5000",
  WORKER_LEASE_TTL_MS: "3000",
};

/** Every hasher call that answered 200 was one hash the workers computed: an independent count. */
const hashesComputed = (cloud: LocalCloud) =>
  cloud.output.filter((line) => /^hasher\s+\| POST \/hasher 200/.test(line)).length;

async function redisPid(port: number): Promise<number> {
  return eventually(async () => (await redisOnPort(port))?.pid, 5_000, "redis-server's pid");
}

describe("the local cloud's redis-server, supervised", () => {
  it("is back within seconds after SIGKILL; /json answers, mining resumes, counts stay exact", async () => {
    const stateDir = join(scratch, "killed");
    const cloud = await startLocalCloud(MINING, { stateDir });
    clouds.push(cloud);
    const redis = new IORedis(`redis://127.0.0.1:${cloud.redisPort}`);
    redis.on("error", () => {}); // it reconnects by itself after the restart
    await eventually(
      async () => (Number(await redis.get("hashes")) > 100 ? true : undefined),
      30_000,
      "mining",
    );
    const killed = await redisPid(cloud.redisPort);
    process.kill(killed, "SIGKILL");
    const killedAt = Date.now();
    const atKill = hashesComputed(cloud);

    const restarted = await eventually(
      async () => {
        const pid = (await redisOnPort(cloud.redisPort))?.pid;
        return pid !== undefined && pid !== killed ? pid : undefined;
      },
      5_000,
      "a new redis-server on the same port",
    );
    const redisBackMs = Date.now() - killedAt;
    await eventually(
      async () => ((await probe(`${cloud.apiUrl}/json`)).status === 200 ? true : undefined),
      5_000,
      "/json to answer 200 again",
    );
    const jsonBackMs = Date.now() - killedAt;
    await eventually(
      async () => (hashesComputed(cloud) > atKill + 100 ? true : undefined),
      20_000,
      "mining to go on",
    );
    const miningMs = Date.now() - killedAt;
    await eventually(
      async () => (Number(await redis.get("hashes")) > atKill ? true : undefined),
      10_000,
      "the counts held during the restart to be saved",
    );
    redis.disconnect();
    const { code } = await cloud.stop();
    expect(code).toBe(0);

    // Read what the cloud kept, with a Redis of the test's own on the same data.
    const reader = await startRedisServer({ port: 0, persistDir: join(stateDir, "redis") });
    const kept = new IORedis(reader.url);
    try {
      const hashes = Number(await kept.get("hashes"));
      const computed = hashesComputed(cloud);
      console.log(
        `SIGKILL: redis-server back (pid ${restarted}) after ${redisBackMs} ms, /json 200 after ` +
          `${jsonBackMs} ms, mining on after ${miningMs} ms; hashes ${hashes} = computed ${computed}`,
      );
      expect(restarted).not.toBe(killed);
      const output = cloud.output.join("\n");
      expect(output).toMatch(
        /redis\s+\| redis-server on port \d+ died \(SIGKILL\); starting it again/,
      );
      expect(output).toMatch(/redis\s+\| redis-server is back on port \d+ after \d+ ms/);
      expect(hashes).toBe(computed);
      expect(await sumOfBuckets(kept)).toBe(hashes);
      expect(loggedUnits(cloud.output)).toBe(hashes);
    } finally {
      kept.disconnect();
      await reader.stop();
    }
  });

  it("stops the local cloud with a message, exit 1, when redis-server keeps dying", async () => {
    const deaths = 3;
    const cloud = await startLocalCloud(
      { ...MINING, REDIS_MAX_DEATHS_PER_MINUTE: String(deaths) },
      { stateDir: join(scratch, "dying") },
    );
    clouds.push(cloud);
    const exited = new Promise<number | null>((resolve) =>
      cloud.process.once("exit", (code) => resolve(code)),
    );
    let pid = await redisPid(cloud.redisPort);
    for (let death = 1; death <= deaths; death++) {
      process.kill(pid, "SIGKILL");
      if (death === deaths) break;
      const previous = pid;
      pid = await eventually(
        async () => {
          const now = (await redisOnPort(cloud.redisPort))?.pid;
          return now !== undefined && now !== previous ? now : undefined;
        },
        5_000,
        `redis-server restarted after death ${death}`,
      );
    }
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 20_000)),
    ]);
    const output = cloud.output.join("\n");
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`redis-server died ${deaths} times within a minute .*the local cloud stops`),
    );
    expect(output).toMatch(/dockercoins\s*\| stopped in/);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

/**
 * When the local cloud's process dies without a chance to clean up (out of memory, SIGKILL),
 * nothing it started outlives it, redis-server included; and the next `npm start` on the same
 * ports starts afresh rather than adopting anything the dead one left.
 */
import { afterAll, describe, expect, it } from "vitest";
import { isRunning, processTree } from "../../common/process-stats";
import { redisOnPort } from "../../common/redis/port-holder";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { portIsClosed } from "../support/net";

const FAST = { RNG_DELAY_MS: "0", HASHER_DELAY_MS: "0", WORKER_DELAY_MS: "10" };
const clouds: LocalCloud[] = [];
afterAll(async () => {
  for (const cloud of clouds) if (cloud.process.exitCode === null) await cloud.stop();
});

const hashesOf = async (cloud: LocalCloud) =>
  ((await (await fetch(`${cloud.apiUrl}/json`)).json()) as { hashes: number }).hashes;

describe("a local cloud killed with SIGKILL", () => {
  it("leaves no process and no port behind, and a restart on the same ports starts afresh", async () => {
    const first = await startLocalCloud(FAST);
    clouds.push(first);
    await eventually(
      async () => ((await hashesOf(first)) > 20 ? true : undefined),
      20_000,
      "mining",
    );
    const redisPid = (await redisOnPort(first.ports.redis))?.pid;
    const started = processTree(first.process.pid ?? 0).filter((pid) => pid !== first.process.pid);
    expect(started).toContain(redisPid);

    first.process.kill("SIGKILL");
    await eventually(
      async () => ((await portIsClosed(first.ports.redis)) ? true : undefined),
      5_000,
      "redis-server to go",
    );
    await eventually(
      async () => (started.some(isRunning) ? undefined : true),
      3_000,
      `every process it started to exit: ${started.filter(isRunning).join(", ")}`,
    );
    for (const port of Object.values(first.ports)) expect(await portIsClosed(port)).toBe(true);

    const second = await startLocalCloud(FAST, { ports: first.ports });
    clouds.push(second);
    // A redis-server of its own, not one adopted from the dead cloud.
    const fresh = await redisOnPort(second.ports.redis);
    expect(fresh?.pid).not.toBe(redisPid);
    expect(second.output.join("\n")).not.toMatch(/took back port/);
    await eventually(
      async () => ((await hashesOf(second)) > 0 ? true : undefined),
      20_000,
      "mining",
    );
    const { code } = await second.stop();
    expect(code).toBe(0);
  });
});

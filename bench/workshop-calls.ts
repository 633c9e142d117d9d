/**
 * `node common/run-ts.cjs bench/workshop-calls.ts`: the call rates the workshop chapter's cost
 * model (workshop/cost-model.ts) multiplies by AWS's prices, measured on a real local cloud:
 * Redis commands per second with one worker mining (its flushes, the supervisor) and per `/json`
 * (the dashboard's poll), hashes per second, and worker turns. About 2 minutes. Writes
 * bench/results/<date>-workshop-calls.json.
 */
import IORedis from "ioredis";
import { startLocalCloud } from "../tests/support/launcher";
import { BENCH_SCALE_TOKEN, readJson, scaleAndWait, sleep, writeResult } from "./cloud";

const MINING_WINDOW_MS = 60_000;
const JSON_CALLS = 20;

/** Commands Redis has run so far (INFO commandstats, every command's calls). */
async function commandsSoFar(redis: IORedis): Promise<number> {
  const info = await redis.info("commandstats");
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, [, calls]) => sum + Number(calls), 0);
}

export async function main(): Promise<void> {
  const cloud = await startLocalCloud({ SCALE_TOKEN: BENCH_SCALE_TOKEN, WORKER_REPLICAS: "1" });
  const redis = new IORedis({ host: "127.0.0.1", port: cloud.redisPort, lazyConnect: true });
  try {
    await redis.connect();
    await scaleAndWait(cloud, 1);
    await sleep(10_000);
    const hashesAt = async () => (await readJson<{ hashes: number }>(cloud)).hashes;
    // Mining alone: nobody polls /json in this window (the two reads bracket it).
    const before = {
      commands: await commandsSoFar(redis),
      hashes: await hashesAt(),
      at: Date.now(),
    };
    await sleep(MINING_WINDOW_MS);
    const after = { commands: await commandsSoFar(redis), at: Date.now() };
    const hashes = (await hashesAt()) - before.hashes;
    const seconds = (after.at - before.at) / 1000;
    // The reads of /json bracket the window above: one read's commands are subtracted below.
    const miningCommandsPerSecond = (after.commands - before.commands) / seconds;

    // /json straight from the API (the dashboard origin's cache left out), one call at a time.
    const jsonStart = { commands: await commandsSoFar(redis), at: Date.now() };
    for (let i = 0; i < JSON_CALLS; i++) {
      await readJson(cloud);
      await sleep(300); // past JSON_CACHE_MS (250 ms): each call reads Redis
    }
    const jsonEnd = { commands: await commandsSoFar(redis), at: Date.now() };
    const background = (miningCommandsPerSecond * (jsonEnd.at - jsonStart.at)) / 1000;
    const commandsPerJson = (jsonEnd.commands - jsonStart.commands - background) / JSON_CALLS;

    const result = {
      date: new Date().toISOString(),
      windowSeconds: Math.round(seconds),
      oneWorker: {
        hashesPerSecond: Math.round((hashes / seconds) * 100) / 100,
        redisCommandsPerSecond: Math.round(miningCommandsPerSecond * 10) / 10,
      },
      json: { calls: JSON_CALLS, redisCommandsPerCall: Math.round(commandsPerJson) },
      note: "Redis INFO commandstats counts MULTI and EXEC too; Upstash counts the commands inside",
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `written: ${writeResult(`${result.date.slice(0, 10)}-workshop-calls.json`, result)}`,
    );
  } finally {
    redis.disconnect();
    await cloud.stop();
  }
}

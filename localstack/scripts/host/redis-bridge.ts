/**
 * Host mode's Redis: a redis-server and the project's Upstash REST bridge in front of it, the
 * part that SRH and its Redis play in Docker (the functions speak @upstash/redis). The same
 * two components as the local cloud's (common/redis, common/upstash-bridge), in one process
 * of their own that `localstack:up` starts in the background:
 *
 *   node common/run-ts.cjs localstack/scripts/host/redis-bridge.ts <bridge port> <ready file> <dir>
 *
 * As the local cloud's, the Redis keeps its data in `<dir>` (an append-only file), so that it
 * survives `localstack:down` and `up` unless `localstack:down -- --reset` deletes it, and it is
 * supervised: started again on its port with its data when it dies, until it dies
 * REDIS_MAX_DEATHS_PER_MINUTE times within a minute; then this process stops (exit 1) and
 * `localstack:up` reports the bridge gone.
 *
 * The token is SRH_TOKEN, else the one kept in the state folder (common/command-environment.ts). Once both answer it writes
 * the ready file ({redisPort, data}); on SIGTERM or SIGINT it stops both. Redis never outlives
 * this process (common/redis/server.ts: a watchdog on a pipe from it).
 */
import { writeFileSync } from "node:fs";
import { localStackSettings, localStackTokens } from "../../../common/command-environment";
import { startRedisServer } from "../../../common/redis/server";
import {
  explainRefusedData,
  prepareStateFolder,
  type StateHints,
  type StateOrigin,
} from "../../../common/redis/state-folder";
import { superviseRedis } from "../../../common/redis/supervisor";
import { startBridge } from "../../../common/upstash-bridge/server";

export const label = "redis-bridge:";

/** What the ready file says: the bridge's port and pid are known to whoever started it. */
export interface BridgeReady {
  redisPort: number;
  /** Whether the Redis data was kept from an earlier `up` ("kept") or is new ("empty"). */
  data: StateOrigin;
}

export const HOST_MODE_HINTS: StateHints = {
  setting: "LOCALSTACK_STATE_DIR",
  reset: "npm run localstack:down -- --reset",
};

export async function main([port, readyFile, dir]: string[]): Promise<void> {
  if (port === undefined || readyFile === undefined || dir === undefined) {
    throw new Error("usage: redis-bridge.ts <bridge port> <ready file> <dir>");
  }
  const settings = localStackSettings();
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const data = prepareStateFolder(dir, false, HOST_MODE_HINTS);
  let redisPort = 0;
  // Its data folder also marks it as ours: a leftover on the port is taken back (port-holder.ts).
  const start = () =>
    startRedisServer({ port: redisPort, persistDir: dir, ownerDir: dir, log }).catch(
      (err: unknown) => {
        throw explainRefusedData(err, dir, data, HOST_MODE_HINTS);
      },
    );
  const first = await start();
  redisPort = first.port;
  const bridge = await startBridge({
    redisUrl: first.url,
    token: localStackTokens(settings).redisRestToken,
    host: "127.0.0.1",
    port: Number(port),
    log,
  }).catch(async (err: unknown) => {
    await first.stop();
    throw err;
  });
  const redis = superviseRedis(first, {
    start,
    maxDeathsPerMinute: settings.redisMaxDeathsPerMinute,
    log,
    onGiveUp: (err) => {
      log(err.message);
      void stop(1);
    },
  });
  const stop = async (code: number) => {
    log("stopping the bridge and redis-server");
    await bridge.close();
    await redis.stop();
    process.exit(code);
  };
  process.once("SIGTERM", () => stop(0));
  process.once("SIGINT", () => stop(0));
  const ready: BridgeReady = { redisPort, data };
  writeFileSync(readyFile, JSON.stringify(ready));
  log(`ready: ${bridge.url} -> ${first.url}; data in ${dir} (${data === "kept" ? "kept" : "new"})`);
}

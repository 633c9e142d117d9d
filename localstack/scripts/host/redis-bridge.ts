/**
 * Host mode's Redis: a redis-server and the project's Upstash REST bridge in front of it, the
 * part that SRH and its Redis play in Docker (the functions speak @upstash/redis). The same
 * two components as the local cloud's (common/redis, common/upstash-bridge), in one process
 * of their own that `localstack:up` starts in the background:
 *
 *   node common/run-ts.cjs localstack/scripts/host/redis-bridge.ts <bridge port> <ready file> <dir>
 *
 * The token comes from SRH_TOKEN (common/command-environment.ts). Once both answer it writes the
 * ready file ({redisPort, bridgePort}); on SIGTERM or SIGINT it stops both. Redis never
 * outlives this process (common/redis/server.ts: a watchdog on a pipe from it).
 */
import { writeFileSync } from "node:fs";
import { localStackSettings } from "../../../common/command-environment";
import { startRedisServer } from "../../../common/redis/server";
import { startBridge } from "../../../common/upstash-bridge/server";

export const label = "redis-bridge:";

/** What the ready file says: the bridge's port and pid are known to whoever started it. */
export interface BridgeReady {
  redisPort: number;
}

export async function main([port, readyFile, dir]: string[]): Promise<void> {
  if (port === undefined || readyFile === undefined || dir === undefined) {
    throw new Error("usage: redis-bridge.ts <bridge port> <ready file> <dir>");
  }
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const redis = await startRedisServer({ port: 0, ownerDir: dir, log });
  const bridge = await startBridge({
    redisUrl: redis.url,
    token: localStackSettings().redisRestToken,
    host: "127.0.0.1",
    port: Number(port),
    log,
  }).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  const stop = async () => {
    log("stopping the bridge and redis-server");
    await bridge.close();
    await redis.stop();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const ready: BridgeReady = { redisPort: redis.port };
  writeFileSync(readyFile, JSON.stringify(ready));
  log(`ready: ${bridge.url} -> ${redis.url}`);
}

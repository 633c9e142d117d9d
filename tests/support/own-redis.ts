import IORedis from "ioredis";
import { startRedisServer } from "../../common/redis/server";
import { type LocalCloud, startLocalCloud } from "./launcher";

export interface CloudOnOwnRedis {
  cloud: LocalCloud;
  /** A direct client of the test's Redis, for reading what the cloud wrote, even after it stopped. */
  redis: IORedis;
  redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  close(): Promise<void>;
}

/**
 * A local cloud on a Redis the test runs (REDIS_URL), as a user with their own Redis would:
 * the test can inspect it after the cloud stops, and stop, freeze or restart it at will.
 */
export async function startCloudOnOwnRedis(env: Record<string, string>): Promise<CloudOnOwnRedis> {
  const redisServer = await startRedisServer({ port: 0 });
  const redis = new IORedis(redisServer.url);
  const cloud = await startLocalCloud({ REDIS_URL: redisServer.url, ...env });
  return {
    cloud,
    redis,
    redisServer,
    async close() {
      if (cloud.process.exitCode === null) await cloud.stop();
      redis.disconnect();
      await redisServer.stop();
    },
  };
}

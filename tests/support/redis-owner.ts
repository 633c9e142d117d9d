/**
 * A process that starts a redis-server and then waits, so that a test can kill it with
 * SIGKILL and check that its Redis does not outlive it:
 * `node common/run-ts.cjs tests/support/redis-owner.ts <port> <ownerDir>`. Prints the URL.
 */
import { startRedisServer } from "../../common/redis/server";

export async function main([port = "0", ownerDir]: string[]): Promise<void> {
  const redis = await startRedisServer({ port: Number(port), ...(ownerDir ? { ownerDir } : {}) });
  console.log(`ready ${redis.url}`);
  setInterval(() => {}, 60_000);
}

/**
 * `npm run reset`: the local cloud's next `npm start` begins from zero. Deletes the data its
 * Redis keeps in the state folder (LOCAL_CLOUD_STATE_DIR, default .local-cloud/): the hash
 * count, the per-second history and the wallet. Refuses while a local cloud of this project
 * runs on that data (stop it with Ctrl-C first); `npm start -- --fresh` does both at once.
 */
import { existsSync, realpathSync, rmSync } from "node:fs";
import { projectRoot } from "../common/project";
import { localRedisDataDir } from "../common/redis/local-redis";
import { redisOnPort } from "../common/redis/port-holder";
import { type Env, intSetting } from "../functions/shared/settings";

export const label = "reset:";

export async function main(_args: string[], env: Env = process.env): Promise<void> {
  const dir = localRedisDataDir(projectRoot, env);
  if (dir === undefined) {
    console.log("reset: nothing to delete (LOCAL_CLOUD_STATE_DIR=none keeps no data)");
    return;
  }
  if (!existsSync(dir)) {
    console.log(`reset: nothing to delete (${dir} does not exist); the next npm start is fresh`);
    return;
  }
  const port = intSetting(env, "REDIS_PORT", { default: 6390, min: 1, max: 65_535 });
  const running = await redisOnPort(port);
  if (running?.dir !== undefined && running.dir === realpathSync(dir)) {
    throw new Error(
      `a local cloud is running on this data (redis-server pid ${running.pid ?? "?"} on port ${port}): stop it with Ctrl-C first, or use npm start -- --fresh`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`reset: deleted ${dir}; the next npm start begins from zero`);
}

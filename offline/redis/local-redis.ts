/**
 * The local cloud's Redis, as the plugin starts it: durable (its data in the state folder,
 * state-folder.ts) and supervised (restarted when it dies, supervisor.ts).
 */
import { isAbsolute, join, relative } from "node:path";
import { startRedisServer } from "./server";
import { explainRefusedData, prepareStateFolder, type StateOrigin } from "./state-folder";
import { type RedisKeepsDyingError, type SupervisedRedis, superviseRedis } from "./supervisor";

export interface LocalRedisOptions {
  serviceDir: string;
  /** The state folder (custom.localCloud.stateDir); Redis keeps its data in `<it>/redis`. */
  stateDir: string;
  port: number;
  /** Empty the data folder first (`npm start -- --fresh`). */
  fresh: boolean;
  maxDeathsPerMinute: number;
  log: (line: string) => void;
  onGiveUp: (err: RedisKeepsDyingError) => void;
}

export interface LocalRedis extends SupervisedRedis {
  origin: StateOrigin;
  /** The data folder as the user would type it (relative to the service when inside it). */
  shownDir: string;
}

/** The folder Redis keeps its data in, for a state folder setting. */
export function redisDataDir(serviceDir: string, stateDir: string): string {
  return join(isAbsolute(stateDir) ? stateDir : join(serviceDir, stateDir), "redis");
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  const dir = redisDataDir(opts.serviceDir, opts.stateDir);
  const shownDir = relative(opts.serviceDir, dir).startsWith("..")
    ? dir
    : relative(opts.serviceDir, dir);
  const origin = prepareStateFolder(dir, opts.fresh);
  // Its data folder also marks it as this project's: a later start takes the port back from
  // a leftover of a killed local cloud (port-holder.ts), and keeps its data.
  const start = () =>
    startRedisServer({ port: opts.port, log: opts.log, persistDir: dir, ownerDir: dir });
  const first = await start().catch((err: unknown) => {
    throw explainRefusedData(err, dir, origin);
  });
  const supervised = superviseRedis(first, {
    start,
    maxDeathsPerMinute: opts.maxDeathsPerMinute,
    log: opts.log,
    onGiveUp: opts.onGiveUp,
  });
  return { ...supervised, origin, shownDir };
}

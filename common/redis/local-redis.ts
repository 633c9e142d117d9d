/**
 * The local cloud's Redis, as the plugin starts it: durable (its data in the state folder,
 * state-folder.ts) and supervised (restarted when it dies, supervisor.ts).
 */
import { join, relative } from "node:path";
import type { Env } from "../../functions/shared/settings";
import { stateDirSetting, stateFolderPath } from "../local-tokens";
import { localCloudRedisDir } from "./port-holder";
import { startRedisServer } from "./server";
import { explainRefusedData, prepareStateFolder, type StateOrigin } from "./state-folder";
import { type RedisKeepsDyingError, type SupervisedRedis, superviseRedis } from "./supervisor";

export interface LocalRedisOptions {
  serviceDir: string;
  /**
   * The state folder (custom.localCloud.stateDir); Redis keeps its data in `<it>/redis`.
   * Undefined: an ephemeral Redis that keeps nothing.
   */
  stateDir: string | undefined;
  port: number;
  /** Empty the data folder first (`npm start -- --fresh`). */
  fresh: boolean;
  maxDeathsPerMinute: number;
  log: (line: string) => void;
  onGiveUp: (err: RedisKeepsDyingError) => void;
}

export interface LocalRedis extends SupervisedRedis {
  origin: StateOrigin | "ephemeral";
  /** The data folder as the user would type it (relative to the service when inside it). */
  shownDir: string | undefined;
}

/** The folder Redis keeps its data in, for a state folder setting. */
export function redisDataDir(serviceDir: string, stateDir: string): string {
  return join(stateFolderPath(serviceDir, stateDir), "redis");
}

/**
 * The same, for scripts outside serverless (`npm run reset`, the doctor), from
 * LOCAL_CLOUD_STATE_DIR as the plugin reads it; undefined for an ephemeral Redis (`none`),
 * which keeps no data.
 */
export function localRedisDataDir(serviceDir: string, env: Env = process.env): string | undefined {
  const stateDir = stateDirSetting(env);
  return stateDir === undefined ? undefined : redisDataDir(serviceDir, stateDir);
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  if (opts.stateDir === undefined) return startEphemeral(opts);
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

/** LOCAL_CLOUD_STATE_DIR=none: Redis keeps nothing (as the local cloud did before issue 18). */
async function startEphemeral(opts: LocalRedisOptions): Promise<LocalRedis> {
  // The folder it runs in marks it as this project's (port-holder.ts); it holds no data.
  const ownerDir = localCloudRedisDir(opts.serviceDir);
  const start = () => startRedisServer({ port: opts.port, log: opts.log, ownerDir });
  const supervised = superviseRedis(await start(), {
    start,
    maxDeathsPerMinute: opts.maxDeathsPerMinute,
    log: opts.log,
    onGiveUp: opts.onGiveUp,
  });
  return { ...supervised, origin: "ephemeral", shownDir: undefined };
}

/** What the start-up line says about the data: where it is, and whether it was kept. */
export function dataNote(redis: Pick<LocalRedis, "origin" | "shownDir">): string {
  if (redis.origin === "ephemeral")
    return "ephemeral (LOCAL_CLOUD_STATE_DIR=none): nothing is kept";
  const kept = { empty: "new", kept: "kept", reset: "emptied (--fresh)" }[redis.origin];
  return `its data: ${redis.shownDir} (${kept})`;
}

/** What the local cloud's settings say about its Redis (custom.localCloud, validated). */
export interface CloudRedisSettings {
  /** REDIS_URL: the user's Redis, used as given. */
  redisUrl: string | undefined;
  stateDir: string | undefined;
  redisPort: number;
  redisMaxDeathsPerMinute: number;
}

/**
 * The local cloud's Redis: the user's (REDIS_URL), used as given and never stopped, or its own
 * redis-server, durable and supervised. Says which on `log`.
 */
export async function cloudRedis(
  settings: CloudRedisSettings,
  opts: Pick<LocalRedisOptions, "serviceDir" | "fresh" | "log" | "onGiveUp">,
): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (settings.redisUrl) {
    opts.log(`using REDIS_URL ${settings.redisUrl}`);
    return { url: settings.redisUrl };
  }
  const redis = await startLocalRedis({
    ...opts,
    stateDir: settings.stateDir,
    port: settings.redisPort,
    maxDeathsPerMinute: settings.redisMaxDeathsPerMinute,
  });
  opts.log(`ready on ${redis.url}; ${dataNote(redis)}`);
  return redis;
}

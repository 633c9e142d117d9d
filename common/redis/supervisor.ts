/**
 * Keeps the local cloud's redis-server running, as a managed Redis replaces a dead node: when
 * it dies (killed, crashed, out of memory) it is started again on the same port with the same
 * data (its append-only file), and the bridge's connection finds it there by itself. A Redis
 * that keeps dying is not restarted forever: after `maxDeathsPerMinute` deaths within a minute
 * the supervisor gives up and says why, and the local cloud stops.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { LocalCloudError } from "../errors";
import type { RunningRedisServer } from "./server";

/** redis-server died too often in a short time; restarting it again would only loop. */
export class RedisKeepsDyingError extends LocalCloudError {
  override readonly name = "RedisKeepsDyingError";
}

export const DEATH_WINDOW_MS = 60_000;
/** A start that fails (port briefly held, disk busy) is tried again after this pause. */
const RETRY_START_MS = 250;

/** The deaths within the last window; pure, so the limit is unit-tested. */
export class DeathWindow {
  private readonly deaths: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = DEATH_WINDOW_MS,
  ) {}

  /** Records a death at `now`; true when the limit is reached (give up). */
  record(now: number): boolean {
    this.deaths.push(now);
    while ((this.deaths[0] ?? now) <= now - this.windowMs) this.deaths.shift();
    return this.deaths.length >= this.limit;
  }

  get count(): number {
    return this.deaths.length;
  }
}

export interface SupervisorOptions {
  /** Starts redis-server on the same port with the same data folder. */
  start: () => Promise<RunningRedisServer>;
  /** Deaths within a minute that stop the local cloud (REDIS_MAX_DEATHS_PER_MINUTE). */
  maxDeathsPerMinute: number;
  log: (line: string) => void;
  /** Called once when the supervisor gives up; the local cloud stops. */
  onGiveUp: (err: RedisKeepsDyingError) => void;
  now?: () => number;
}

export interface SupervisedRedis {
  url: string;
  port: number;
  /** Stops supervising, then the current redis-server. */
  stop(): Promise<void>;
}

export function superviseRedis(
  first: RunningRedisServer,
  opts: SupervisorOptions,
): SupervisedRedis {
  const now = opts.now ?? Date.now;
  const deaths = new DeathWindow(opts.maxDeathsPerMinute);
  let current: RunningRedisServer | undefined = first;
  let stopping = false;
  let stopSignal: () => void = () => {};
  const stopped = new Promise<"stopped">((resolve) => {
    stopSignal = () => resolve("stopped");
  });

  const restart = async (): Promise<RunningRedisServer | undefined> => {
    while (!stopping) {
      try {
        return await opts.start();
      } catch (err) {
        const limitReached = deaths.record(now());
        opts.log(`could not start redis-server again: ${(err as Error).message}`);
        if (limitReached) return undefined;
        await sleep(RETRY_START_MS);
      }
    }
    return undefined;
  };

  const watch = async (): Promise<void> => {
    while (current && !stopping) {
      const ended = await Promise.race([current.died, stopped]);
      if (ended === "stopped" || stopping) return;
      const diedAt = now();
      const { port } = current;
      current = undefined;
      if (deaths.record(diedAt)) return giveUp(ended);
      opts.log(
        `redis-server on port ${port} died (${ended}); starting it again with its data ` +
          `(death ${deaths.count} of ${opts.maxDeathsPerMinute} allowed per minute)`,
      );
      current = await restart();
      if (!current) return stopping ? undefined : giveUp("could not start again");
      if (stopping) {
        await current.stop();
        return;
      }
      opts.log(
        `redis-server is back on port ${port} after ${now() - diedAt} ms; the bridge reconnects and the workers flush what they held`,
      );
    }
  };

  const giveUp = (how: string): void => {
    opts.onGiveUp(
      new RedisKeepsDyingError(
        `redis-server died ${deaths.count} times within a minute (last: ${how}); the local ` +
          "cloud stops instead of restarting it in a loop. Look at the redis lines above " +
          "(memory, disk, another program killing it), then npm start again; the data kept " +
          "so far is still in the state folder",
      ),
    );
  };

  const watching = watch();
  return {
    url: first.url,
    port: first.port,
    async stop() {
      stopping = true;
      stopSignal();
      await watching;
      await current?.stop();
    },
  };
}

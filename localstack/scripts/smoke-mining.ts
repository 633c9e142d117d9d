/**
 * The mining rate of a deployed stack, as /json's per-second series shows it: scale to N
 * replicas (PUT /workers, as `npm run scale` does), wait until N are active, let a whole
 * window pass, and take the mean of its complete seconds. One replica mines one hash per
 * 0.3 s at best (three 0.1 s waits: the worker's, rng's, hasher's): 3.33 hashes/s.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { requestScale } from "../../common/scale-client";
import { type JsonStats, readStats, SmokeCheckError } from "./smoke-checks";

/** The original's rate for one worker: one loop of three 0.1 s waits. */
export const ONE_REPLICA_RATE = 1 / 0.3;

export interface RateOptions {
  /** Seconds averaged. */
  windowSeconds: number;
  /** Seconds waited once the replicas are active, before the window starts. */
  settleSeconds: number;
  /** How long to wait for the replicas to be active. */
  activeWithinMs: number;
  requestTimeoutMs: number;
  pollMs: number;
}

export interface Rate {
  replicas: number;
  hashesPerSecond: number;
  /** The per-second counts averaged. */
  seconds: number[];
}

/** Seconds waited beyond the window, for the series to hold all of it (it lags a second). */
const SERIES_SLACK_SECONDS = 2;

async function waitForActive(
  api: string,
  replicas: number,
  options: RateOptions,
): Promise<JsonStats> {
  const deadline = Date.now() + options.activeWithinMs;
  let stats = await readStats(api, options.requestTimeoutMs);
  while (stats.workers.active !== replicas || stats.workers.desired !== replicas) {
    if (Date.now() > deadline) {
      throw new SmokeCheckError(
        `scaling to ${replicas}: ${stats.workers.active} active, ${stats.workers.desired} desired ` +
          `after ${options.activeWithinMs / 1000} s (look at the worker's logs)`,
      );
    }
    await sleep(options.pollMs);
    stats = await readStats(api, options.requestTimeoutMs);
  }
  return stats;
}

/** Scales to `replicas`, then measures their rate over a window that starts once all mine. */
export async function measureRate(
  api: string,
  scaleToken: string,
  replicas: number,
  options: RateOptions,
): Promise<Rate> {
  await requestScale(api, scaleToken, replicas);
  await waitForActive(api, replicas, options);
  // A replica scaled away mines until its next flush; a new one starts its first turn.
  await sleep(options.settleSeconds * 1000);
  const settled = await readStats(api, options.requestTimeoutMs);
  // The series' last complete second once all mine steadily; the window starts after it.
  const from = settled.series.start + settled.series.hashes.length;
  await sleep((options.windowSeconds + SERIES_SLACK_SECONDS) * 1000);
  const stats = await readStats(api, options.requestTimeoutMs);
  const offset = from - stats.series.start;
  const seconds = stats.series.hashes.slice(offset, offset + options.windowSeconds);
  if (seconds.length < options.windowSeconds) {
    throw new SmokeCheckError(
      `/json's series has ${seconds.length} seconds since scaling, not ${options.windowSeconds}`,
    );
  }
  const hashesPerSecond = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  return { replicas, hashesPerSecond, seconds };
}

/** Throws unless `rate` is within `tolerance` (0.2: ± 20 %) of `expected`. */
export function expectRate(what: string, rate: Rate, expected: number, tolerance: number): void {
  if (Math.abs(rate.hashesPerSecond - expected) > expected * tolerance) {
    throw new SmokeCheckError(
      `${what}: ${rate.hashesPerSecond.toFixed(2)} hashes/s, expected ${expected.toFixed(2)} ± ` +
        `${Math.round(tolerance * 100)} % (per second: ${rate.seconds.join(" ")})`,
    );
  }
}

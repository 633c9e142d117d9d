import type { Logger } from "../shared/log";
import { backoffDelay } from "./backoff";
import { emptyTally, isEmpty, recordHash, recordLatency, type Tally, totalHashes } from "./tally";

/** The two functions a miner calls; HTTP in production, anything in tests. */
export interface MiningPorts {
  random(count: number): Promise<Uint8Array<ArrayBuffer>>;
  hash(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Saves a tally (throws when it could not) and says whether to keep mining. */
export type Flush = (tally: Tally) => Promise<{ keepMining: boolean }>;

export interface SliceOptions {
  delayMs: number;
  randomBytes: number;
  flushIntervalMs: number;
  maxBackoffMs: number;
  /** Stop starting new loops at this time (epoch ms). */
  deadline: number;
  /** Keep retrying the final flush until this time (epoch ms). */
  hardDeadline: number;
}

export interface SliceResult {
  hashes: number;
  /** False when a flush said stop (halt, or this replica is no longer wanted). */
  keepMining: boolean;
  /** Counts that could not be saved before the hard deadline; the caller keeps them. */
  unflushed: Tally;
}

/**
 * The original worker's loop, for one slice: sleep, get random bytes, hash them, count.
 * Counts are flushed about once per `flushIntervalMs`; a failed flush keeps its counts for the
 * next one. Failures of rng or hasher back off and are logged once per streak.
 */
export async function mineSlice(
  ports: MiningPorts,
  clock: Clock,
  options: SliceOptions,
  flush: Flush,
  log: Logger,
  carried: Tally = emptyTally(),
): Promise<SliceResult> {
  let pending = carried;
  let hashes = 0;
  let lastFlushAt = clock.now();
  let failures = 0;
  let keepMining = true;

  const tryFlush = async (): Promise<boolean> => {
    const count = totalHashes(pending);
    try {
      keepMining = (await flush(pending)).keepMining;
      hashes += count;
      pending = emptyTally();
      return true;
    } catch (err) {
      log.warn("flush failed; counts kept for the next one", { err, pending: count });
      return false;
    }
  };

  while (keepMining && clock.now() < options.deadline) {
    await clock.sleep(options.delayMs);
    try {
      const startedAt = clock.now();
      const bytes = await ports.random(options.randomBytes);
      const randomAt = clock.now();
      const hex = await ports.hash(bytes);
      const hashedAt = clock.now();
      recordLatency(pending, "rng", randomAt, randomAt - startedAt);
      recordLatency(pending, "hasher", hashedAt, hashedAt - randomAt);
      recordHash(pending, hashedAt, hex, bytes);
      if (failures > 0) log.info("rng and hasher answer again; mining resumed", { failures });
      failures = 0;
    } catch (err) {
      failures += 1;
      if (failures === 1) log.warn("mining call failed; backing off until it works", { err });
      await clock.sleep(backoffDelay(failures, options.maxBackoffMs));
    }
    if (clock.now() - lastFlushAt >= options.flushIntervalMs) {
      lastFlushAt = clock.now();
      await tryFlush();
    }
  }

  while (!isEmpty(pending) && !(await tryFlush()) && clock.now() < options.hardDeadline) {
    await clock.sleep(
      Math.min(options.flushIntervalMs, Math.max(0, options.hardDeadline - clock.now())),
    );
  }
  return { hashes, keepMining, unflushed: pending };
}

import { randomUUID } from "node:crypto";
import { FailureStreak } from "../shared/failure-streak";
import type { Logger } from "../shared/log";
import { backoffDelay } from "./backoff";
import {
  emptyTally,
  isEmpty,
  mergeInto,
  recordHash,
  recordLatency,
  type Tally,
  totalHashes,
} from "./tally";

/** The two functions a miner calls; HTTP in production, anything in tests. */
export interface MiningPorts {
  random(count: number): Promise<Uint8Array>;
  hash(bytes: Uint8Array): Promise<string>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Where counts are saved. `save` applies a batch atomically under a unique id and says whether
 * to keep mining; when it throws, the batch may or may not have been applied (the reply can be
 * lost after Redis committed), so `wasSaved` is asked before the batch is sent again. That is
 * what makes counting exact: a batch is never dropped and never applied twice.
 */
export interface CountStore {
  save(batchId: string, tally: Tally): Promise<{ keepMining: boolean }>;
  wasSaved(batchId: string): Promise<boolean>;
}

/** Counts not yet known to be saved, carried from one flush (or turn) to the next. */
export interface Backlog {
  pending: Tally;
  inDoubt?: { id: string; tally: Tally };
}

export const emptyBacklog = (): Backlog => ({ pending: emptyTally() });
export const backlogIsEmpty = (b: Backlog): boolean => !b.inDoubt && isEmpty(b.pending);

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
  /** Hashes whose counts were saved during this slice. */
  hashes: number;
  /** False when a flush said stop (halt, lost lease, or this replica is no longer wanted). */
  keepMining: boolean;
  /** What could not be saved by the hard deadline; the caller keeps it for later. */
  backlog: Backlog;
}

/**
 * Failed saves of counts: the first of a streak and the recovery are logged, nothing between.
 * `instance` names the function instance whose streak it is (each has its own).
 */
export function storeFailureStreak(log: Logger, instance?: string): FailureStreak {
  return new FailureStreak(
    {
      first: (err, fields) =>
        log.warn("saving counts failed; keeping them and retrying", { err, ...fields }),
      recovered: (failures, fields) =>
        log.info("counts saved again after failures", { failures, ...fields }),
    },
    "redis",
    instance,
  );
}

/**
 * The original worker's loop, for one slice: sleep, get random bytes, hash them, count.
 * Counts are flushed about once per `flushIntervalMs`. Failures of rng, hasher or the store
 * back off or retry, and are logged once per streak, never once per failure.
 */
export async function mineSlice(
  ports: MiningPorts,
  clock: Clock,
  options: SliceOptions,
  store: CountStore,
  log: Logger,
  backlog: Backlog = emptyBacklog(),
  /** Failed saves: the worker instance's (handler.ts), so one outage is one line, not one per turn. */
  storeStreak: FailureStreak = storeFailureStreak(log),
): Promise<SliceResult> {
  let hashes = 0;
  let keepMining = true;
  let callFailures = 0;

  const flushFailed = (err: unknown): false => {
    storeStreak.failed(err);
    return false;
  };

  /** One flush; true when everything counted so far is known to be saved. */
  const flush = async (): Promise<boolean> => {
    const doubt = backlog.inDoubt;
    if (doubt) {
      try {
        if (await store.wasSaved(doubt.id)) {
          hashes += totalHashes(doubt.tally);
          log.info(
            `${totalHashes(doubt.tally)} units of work done, saved although the reply was lost`,
          );
        } else {
          mergeInto(backlog.pending, doubt.tally);
        }
        backlog.inDoubt = undefined;
      } catch (err) {
        return flushFailed(err);
      }
    }
    const batch = { id: randomUUID(), tally: backlog.pending };
    backlog.pending = emptyTally();
    try {
      keepMining = (await store.save(batch.id, batch.tally)).keepMining;
    } catch (err) {
      // An empty batch (a flush that only renewed the lease) has nothing to doubt.
      backlog.inDoubt = isEmpty(batch.tally) ? undefined : batch;
      return flushFailed(err);
    }
    hashes += totalHashes(batch.tally);
    storeStreak.succeeded();
    return true;
  };

  // The first hash of a slice is saved at once (then about once a second): a replica shows up
  // on the dashboard as soon as it mines, not a flush interval later.
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  while (keepMining && clock.now() < options.deadline) {
    await clock.sleep(options.delayMs);
    try {
      const startedAt = clock.now();
      const bytes = await ports.random(options.randomBytes);
      const randomAt = clock.now();
      const hex = await ports.hash(bytes);
      const hashedAt = clock.now();
      recordLatency(backlog.pending, "rng", randomAt, randomAt - startedAt);
      recordLatency(backlog.pending, "hasher", hashedAt, hashedAt - randomAt);
      recordHash(backlog.pending, hashedAt, hex, bytes);
      if (callFailures > 0)
        log.info("rng and hasher answer again; mining resumed", { failures: callFailures });
      callFailures = 0;
    } catch (err) {
      callFailures += 1;
      if (callFailures === 1) log.warn("mining call failed; backing off until it works", { err });
      await clock.sleep(backoffDelay(callFailures, options.maxBackoffMs));
    }
    if (clock.now() - lastFlushAt >= options.flushIntervalMs) {
      lastFlushAt = clock.now();
      await flush();
    }
  }

  while (!backlogIsEmpty(backlog) && !(await flush()) && clock.now() < options.hardDeadline) {
    const wait = Math.min(options.flushIntervalMs, options.hardDeadline - clock.now());
    await clock.sleep(Math.max(0, wait));
  }
  return { hashes, keepMining, backlog };
}

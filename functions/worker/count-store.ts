import type { Redis } from "@upstash/redis";
import type { WorkerConfig } from "../shared/config";
import { keys } from "../shared/keys";
import { bucketField } from "../shared/latency";
import type { Logger } from "../shared/log";
import type { Replicas, Transaction } from "../shared/replicas/replicas";
import type { Ticket } from "../shared/replicas/ticket";
import type { CountStore } from "./mining";
import { isEmpty, type Tally, totalHashes } from "./tally";

/** How long a saved batch stays recognisable; a batch in doubt is re-checked well within it. */
const BATCH_MARKER_TTL_SECONDS = 600;
/** Coins kept in the dashboard's "last coins" list. */
const RECENT_COINS = 10;

/** Why a replica stopped mining, as its last flush saw it. */
export interface StopReason {
  halted: boolean;
  leaseLost: boolean;
}

/**
 * Saves one replica's counts in Redis. Each flush is one MULTI/EXEC: the lease renewal and
 * whether to go on (the replica protocol's part), then the total (`hashes`, the original's
 * key), per-second buckets, latency histograms, coins, the replicas active per second, and a
 * marker for the batch.
 */
export function redisCountStore(
  redis: Redis,
  replicas: Replicas,
  config: WorkerConfig,
  ticket: Ticket,
  log: Logger,
): CountStore & { stopReason: StopReason } {
  const stopReason: StopReason = { halted: false, leaseLost: false };
  return {
    stopReason,
    async wasSaved(batchId) {
      return (await redis.exists(keys.batch(batchId))) === 1;
    },
    async save(batchId, tally) {
      const tx = redis.multi();
      const verdictOf = replicas.renewInFlush(tx, ticket, config.leaseTtlMs);
      // Only a batch with counts can be in doubt (mining.ts); an empty one needs no marker.
      if (!isEmpty(tally)) tx.set(keys.batch(batchId), "1", { ex: BATCH_MARKER_TTL_SECONDS });
      addCounts(tx, tally, ticket.replica, config.bucketTtlSeconds);
      const verdict = verdictOf(await tx.exec());

      const total = totalHashes(tally);
      if (total > 0 || tally.coins.size > 0) {
        log.info(`replica ${ticket.replica}: ${total} units of work done, updating hash counter`, {
          ...averageLatencyMs(tally),
          coins: [...tally.coins.keys()],
        });
      }
      if (verdict.lostTo !== undefined) {
        // Our lease expired (e.g. Redis was unreachable) and another turn took the replica.
        // Give the lease back to it and stop; its chain carries on, ours ends here.
        await replicas.handBack(ticket, verdict.lostTo, config.leaseTtlMs);
        log.warn(`replica ${ticket.replica}: lease taken over by another turn; stopping this one`);
        stopReason.leaseLost = true;
        return { keepMining: false };
      }
      stopReason.halted = verdict.halted;
      return { keepMining: !verdict.halted && verdict.wanted };
    },
  };
}

/** Average call latency per function in this batch, for the log line: `rngMs=805 hasherMs=101`. */
function averageLatencyMs(tally: Tally): Record<string, number> {
  const sums = new Map<string, { count: number; sumUs: number }>();
  for (const { fn, count, sumUs } of tally.latency.values()) {
    const sum = sums.get(fn) ?? { count: 0, sumUs: 0 };
    sum.count += count;
    sum.sumUs += sumUs;
    sums.set(fn, sum);
  }
  return Object.fromEntries(
    [...sums].map(([fn, s]) => [`${fn}Ms`, Math.round(s.sumUs / s.count / 1000)]),
  );
}

function addCounts(tx: Transaction, tally: Tally, replica: number, ttl: number): void {
  const total = totalHashes(tally);
  if (total > 0) tx.incrby(keys.hashes, total);
  for (const [second, count] of tally.hashesBySecond) {
    tx.incrby(keys.hashesAt(second), count);
    tx.expire(keys.hashesAt(second), ttl);
    tx.sadd(keys.activeAt(second), String(replica));
    tx.expire(keys.activeAt(second), ttl);
  }
  for (const { fn, second, count, sumUs, buckets } of tally.latency.values()) {
    const key = keys.latencyAt(fn, second);
    const fields: Record<string, number> = { count, sumUs };
    for (const [bucket, n] of buckets) fields[bucketField(bucket)] = n;
    for (const [field, n] of Object.entries(fields)) tx.hincrby(key, field, n);
    tx.expire(key, ttl);
  }
  if (tally.coins.size > 0) {
    tx.hset(keys.wallet, Object.fromEntries(tally.coins));
    tx.lpush(keys.recentCoins, ...tally.coins.keys());
    tx.ltrim(keys.recentCoins, 0, RECENT_COINS - 1);
  }
}

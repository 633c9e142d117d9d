import type { Redis } from "@upstash/redis";
import type { WorkerConfig } from "../shared/config";
import { keys } from "../shared/keys";
import { bucketField } from "../shared/latency";
import type { Logger } from "../shared/log";
import type { CountStore } from "./mining";
import { parseDesired } from "./supervision";
import { isEmpty, type Tally, totalHashes } from "./tally";
import type { Ticket } from "./ticket";

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
 * Saves one replica's counts in Redis. Each flush is one MULTI/EXEC: the total (`hashes`, the
 * original's key), per-second buckets, latency histograms, coins, the replicas active per
 * second, a marker for the batch, and the lease renewal; it also reads whether to go on.
 */
export function redisCountStore(
  redis: Redis,
  config: WorkerConfig,
  ticket: Ticket,
  log: Logger,
  now: () => number,
): CountStore & { stopReason: StopReason } {
  const stopReason: StopReason = { halted: false, leaseLost: false };
  return {
    stopReason,
    async wasSaved(batchId) {
      return (await redis.exists(keys.batch(batchId))) === 1;
    },
    async save(batchId, tally) {
      const at = now();
      const tx = redis.multi();
      tx.set(keys.lease(ticket.replica), ticket.id, { px: config.leaseTtlMs, get: true });
      tx.get(keys.halt);
      tx.get(keys.desiredReplicas);
      tx.zadd(keys.active, { score: at + config.leaseTtlMs, member: String(ticket.replica) });
      tx.zremrangebyscore(keys.active, 0, at);
      // Only a batch with counts can be in doubt (mining.ts); an empty one needs no marker.
      if (!isEmpty(tally)) tx.set(keys.batch(batchId), "1", { ex: BATCH_MARKER_TTL_SECONDS });
      addCounts(tx, tally, ticket.replica, config.bucketTtlSeconds);
      const [previousHolder, halt, desiredRaw] = (await tx.exec()) as (string | null)[];

      const total = totalHashes(tally);
      if (total > 0 || tally.coins.size > 0) {
        log.info(`replica ${ticket.replica}: ${total} units of work done, updating hash counter`, {
          ...averageLatencyMs(tally),
          coins: [...tally.coins.keys()],
        });
      }
      if (previousHolder !== null && previousHolder !== ticket.id) {
        // Our lease expired (e.g. Redis was unreachable) and another turn took the replica.
        // Give the lease back to it and stop; its chain carries on, ours ends here.
        await redis.set(keys.lease(ticket.replica), previousHolder, { px: config.leaseTtlMs });
        log.warn(`replica ${ticket.replica}: lease taken over by another turn; stopping this one`);
        stopReason.leaseLost = true;
        return { keepMining: false };
      }
      const desired = parseDesired(desiredRaw ?? null, config.defaultReplicas, config.maxReplicas);
      stopReason.halted = halt !== null;
      return { keepMining: !stopReason.halted && ticket.replica < desired };
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

type Transaction = ReturnType<Redis["multi"]>;

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

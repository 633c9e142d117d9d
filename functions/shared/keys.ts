/**
 * Redis key names, in one place. `hashes` and `wallet` are the original app's keys and keep
 * their meaning; everything else is added by this version.
 */
export const keys = {
  /** Total hashes computed (INCRBY), as in the original. */
  hashes: "hashes",
  /** Coins found: field = hash hex, value = the random bytes as hex. As in the original. */
  wallet: "wallet",
  /** Hashes completed during one epoch second. */
  hashesAt: (epochSecond: number) => `hashes:s:${epochSecond}`,
  /** Latency of calls to one function during one epoch second: hash {count, sumMs}. */
  latencyAt: (fn: string, epochSecond: number) => `latency:${fn}:s:${epochSecond}`,
  /** The replica count somebody asked for (absent: the configured default). */
  desiredReplicas: "workers:desired",
  /** Replica i is mining: holds the ticket id, expires unless renewed. */
  lease: (replica: number) => `workers:lease:${replica}`,
  /** Replica i's current ticket id; a ticket carrying any other id is stale. */
  ticket: (replica: number) => `workers:ticket:${replica}`,
  /** Sorted set: replica → time its lease expires (ms), so "active" is one ZCOUNT. */
  active: "workers:active",
  /** Replicas that mined during one epoch second (a set), for the dashboard's workers line. */
  activeAt: (epochSecond: number) => `workers:s:${epochSecond}`,
  /** The last coins found, newest first (a capped list). */
  recentCoins: "coins:recent",
  /** Marks a saved batch of counts, so a batch whose reply was lost is never applied twice. */
  batch: (batchId: string) => `workers:batch:${batchId}`,
  /** Set by the local cloud on Ctrl-C: replicas flush, release and stop. */
  halt: "workers:halt",
} as const;

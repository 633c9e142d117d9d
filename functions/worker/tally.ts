import { bucketIndex } from "../shared/latency";
import { epochSecond } from "../shared/time";

/** What a replica has done since its last successful flush. */
export interface Tally {
  /** epoch second → hashes completed in it. */
  hashesBySecond: Map<number, number>;
  /** coin hash hex → its random bytes as hex (binary would not survive the REST client). */
  coins: Map<string, string>;
  /** `${fn}:${epochSecond}` → call count, summed latency (µs) and a histogram (shared/latency). */
  latency: Map<string, LatencyEntry>;
}

export interface LatencyEntry {
  fn: string;
  second: number;
  count: number;
  sumUs: number;
  /** bucket index → calls */
  buckets: Map<number, number>;
}

export const emptyTally = (): Tally => ({
  hashesBySecond: new Map(),
  coins: new Map(),
  latency: new Map(),
});

/** A coin is a hash whose hex starts with 0, as in the original. */
export const isCoin = (hashHex: string): boolean => hashHex.startsWith("0");

export function recordHash(
  tally: Tally,
  completedAtMs: number,
  hashHex: string,
  bytes: Uint8Array,
): void {
  const second = epochSecond(completedAtMs);
  addTo(tally.hashesBySecond, second, 1);
  if (isCoin(hashHex)) tally.coins.set(hashHex, Buffer.from(bytes).toString("hex"));
}

export function recordLatency(
  tally: Tally,
  fn: string,
  completedAtMs: number,
  latencyMs: number,
): void {
  const entry = latencyEntry(tally, fn, epochSecond(completedAtMs));
  entry.count += 1;
  entry.sumUs += Math.round(latencyMs * 1000);
  addTo(entry.buckets, bucketIndex(latencyMs), 1);
}

function latencyEntry(tally: Tally, fn: string, second: number): LatencyEntry {
  const key = `${fn}:${second}`;
  let entry = tally.latency.get(key);
  if (!entry) {
    entry = { fn, second, count: 0, sumUs: 0, buckets: new Map() };
    tally.latency.set(key, entry);
  }
  return entry;
}

function addTo<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

export const totalHashes = (tally: Tally): number =>
  [...tally.hashesBySecond.values()].reduce((sum, n) => sum + n, 0);

export const isEmpty = (tally: Tally): boolean =>
  tally.hashesBySecond.size === 0 && tally.coins.size === 0 && tally.latency.size === 0;

/** Adds `from` into `into` (used to keep counts whose flush failed). */
export function mergeInto(into: Tally, from: Tally): void {
  for (const [second, n] of from.hashesBySecond) addTo(into.hashesBySecond, second, n);
  for (const [hex, bytes] of from.coins) into.coins.set(hex, bytes);
  for (const source of from.latency.values()) {
    const entry = latencyEntry(into, source.fn, source.second);
    entry.count += source.count;
    entry.sumUs += source.sumUs;
    for (const [bucket, n] of source.buckets) addTo(entry.buckets, bucket, n);
  }
}

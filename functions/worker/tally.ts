import { epochSecond } from "../shared/time";

/** What a replica has done since its last successful flush. */
export interface Tally {
  /** epoch second → hashes completed in it. */
  hashesBySecond: Map<number, number>;
  /** coin hash hex → its random bytes as hex (binary would not survive the REST client). */
  coins: Map<string, string>;
  /** `${fn}:${epochSecond}` → call count and summed latency in microseconds. */
  latency: Map<string, { fn: string; second: number; count: number; sumUs: number }>;
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
  tally.hashesBySecond.set(second, (tally.hashesBySecond.get(second) ?? 0) + 1);
  if (isCoin(hashHex)) tally.coins.set(hashHex, Buffer.from(bytes).toString("hex"));
}

export function recordLatency(
  tally: Tally,
  fn: string,
  completedAtMs: number,
  latencyMs: number,
): void {
  addLatency(tally, fn, epochSecond(completedAtMs), 1, Math.round(latencyMs * 1000));
}

function addLatency(tally: Tally, fn: string, second: number, count: number, sumUs: number): void {
  const key = `${fn}:${second}`;
  const entry = tally.latency.get(key) ?? { fn, second, count: 0, sumUs: 0 };
  entry.count += count;
  entry.sumUs += sumUs;
  tally.latency.set(key, entry);
}

export const totalHashes = (tally: Tally): number =>
  [...tally.hashesBySecond.values()].reduce((sum, n) => sum + n, 0);

export const isEmpty = (tally: Tally): boolean =>
  tally.hashesBySecond.size === 0 && tally.coins.size === 0 && tally.latency.size === 0;

/** Adds `from` into `into` (used to keep counts whose flush failed). */
export function mergeInto(into: Tally, from: Tally): void {
  for (const [second, n] of from.hashesBySecond) {
    into.hashesBySecond.set(second, (into.hashesBySecond.get(second) ?? 0) + n);
  }
  for (const [hex, bytes] of from.coins) into.coins.set(hex, bytes);
  for (const entry of from.latency.values())
    addLatency(into, entry.fn, entry.second, entry.count, entry.sumUs);
}

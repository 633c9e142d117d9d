import { bucketField, LATENCY_BOUNDS_MS, quantileMs } from "../shared/latency";

/**
 * The /json document. `coins`, `hashes` and `now` keep the original's contract (as numbers,
 * where the original sent Redis's string or null); everything else is additive.
 */
export interface Stats {
  coins: number;
  hashes: number;
  /** Epoch seconds, with fractions, like the original. */
  now: number;
  /**
   * Per complete second, from `start` (epoch second) on: hashes completed, and replicas that
   * mined, in that second.
   */
  series: { start: number; hashes: number[]; workers: number[] };
  workers: { desired: number; active: number };
  /** From the worker's view, over the last minute: how the bottleneck shows itself. */
  latency: Record<"rng" | "hasher", LatencySummary>;
  /** The last coins found, newest first. */
  recentCoins: string[];
}

export interface LatencySummary {
  calls: number;
  avgMs: number | null;
  p95Ms: number | null;
}

/** The window of complete seconds: a bucket may still grow for `lagSeconds`. */
export function seriesWindow(nowMs: number, seconds: number, lagSeconds: number): number[] {
  const last = Math.floor(nowMs / 1000) - lagSeconds;
  return Array.from({ length: seconds }, (_, i) => last - seconds + 1 + i);
}

export const toCount = (raw: unknown): number => {
  const n = typeof raw === "number" ? raw : Number(raw ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/**
 * A Redis hash as the REST client returns it without deserialisation: a flat
 * [field, value, field, value…] array (or null/empty when the key does not exist).
 */
export function hashFields(raw: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!Array.isArray(raw)) return fields;
  for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1]);
  return fields;
}

/** Average and p95 latency over per-second {count, sumUs, b0…bN} hashes. */
export function latencySummary(samples: unknown[]): LatencySummary {
  let calls = 0;
  let sumUs = 0;
  const buckets = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const sample of samples) {
    const fields = hashFields(sample);
    calls += toCount(fields.count);
    sumUs += toCount(fields.sumUs);
    buckets.forEach((n, i) => {
      buckets[i] = n + toCount(fields[bucketField(i)]);
    });
  }
  return {
    calls,
    avgMs: calls === 0 ? null : Math.round(sumUs / calls / 10) / 100,
    p95Ms: quantileMs(buckets, 0.95),
  };
}

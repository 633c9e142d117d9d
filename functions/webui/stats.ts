/**
 * The /json document. `coins`, `hashes` and `now` keep the original's contract (as numbers,
 * where the original sent Redis's string or null); everything else is additive.
 */
export interface Stats {
  coins: number;
  hashes: number;
  /** Epoch seconds, with fractions, like the original. */
  now: number;
  /** Hashes completed in each of the last complete seconds: hashes[i] is second start + i. */
  series: { start: number; hashes: number[] };
  workers: { desired: number; active: number };
  /** From the worker's view, averaged over the series window. */
  latency: Record<"rng" | "hasher", { calls: number; avgMs: number | null }>;
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

/** Average latency over per-second {count, sumUs} hashes. */
export function latencySummary(samples: unknown[]) {
  let calls = 0;
  let sumUs = 0;
  for (const sample of samples) {
    const fields = hashFields(sample);
    calls += toCount(fields.count);
    sumUs += toCount(fields.sumUs);
  }
  return { calls, avgMs: calls === 0 ? null : Math.round(sumUs / calls / 10) / 100 };
}

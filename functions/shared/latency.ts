/**
 * Latency histograms with fixed bucket bounds, so that per-second histograms from many
 * replicas add up in Redis (HINCRBY per bucket) and a p95 can be read from any window.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 120, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000,
] as const;

/** Index of the first bound ≥ ms; LATENCY_BOUNDS_MS.length means "over the last bound". */
export function bucketIndex(ms: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

export const bucketField = (index: number): string => `b${index}`;

/**
 * The q-quantile (0..1) as the upper bound of the bucket that reaches it: an upper estimate,
 * which is the honest side to err on for latency. Null when there are no samples.
 */
export function quantileMs(buckets: number[], q: number): number | null {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    seen += buckets[i] ?? 0;
    if (seen >= q * total) return LATENCY_BOUNDS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return null;
}

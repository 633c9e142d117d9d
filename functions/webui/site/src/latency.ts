import type { LatencyStat, Snapshot } from "./stats";

export interface LatencyRow {
  name: "rng" | "hasher";
  calls: number;
  avgMs: number | null;
  p95Ms: number | null;
  /** The service that costs the workers most: the workshop's bottleneck lesson. */
  slowest: boolean;
  /** Bar length, 0..1, relative to the slowest figure shown. */
  share: number;
}

/**
 * Services are ranked by their average: the API's p95 is rounded up to a histogram bucket, so
 * two services often share one (both "150 ms") while their averages say which one queues.
 */
const rankValue = (s: LatencyStat | null): number | null => s?.avgMs ?? s?.p95Ms ?? null;
/** Closer than this, calling one of them "slowest" would be pointing at noise. */
export const SLOWEST_MARGIN = 1.05;

export function latencyRows(latency: Snapshot["latency"]): LatencyRow[] {
  const names = ["rng", "hasher"] as const;
  const values = names.map((name) => rankValue(latency[name]));
  const known = values.filter((v): v is number => v !== null);
  const max = known.length > 0 ? Math.max(...known) : 0;
  const min = known.length > 0 ? Math.min(...known) : 0;
  const clear = known.length > 1 && max > 0 && max >= min * SLOWEST_MARGIN;
  return names.map((name, i) => {
    const stat = latency[name];
    const value = values[i] ?? null;
    return {
      name,
      calls: stat?.calls ?? 0,
      avgMs: stat?.avgMs ?? null,
      p95Ms: stat?.p95Ms ?? null,
      slowest: clear && value === max,
      share: value !== null && max > 0 ? value / max : 0,
    };
  });
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString("en-US")} ms`;
}

import type { Snapshot } from "./stats";

/** Seconds the displayed speed is averaged over: steady, yet it follows a scale-up quickly. */
export const SMOOTHING_SECONDS = 5;
/** The chart's window, as the issue asks: the last five minutes. */
export const CHART_SECONDS = 300;

/**
 * The current speed: the mean of the last complete seconds of the per-second series. Each
 * hash is counted in the second it completed, so this has none of the original's 4-4-4-0
 * sawtooth (which came from differencing a counter flushed every ~1.24 s).
 */
export function smoothedSpeed(
  hashes: readonly number[],
  seconds = SMOOTHING_SECONDS,
): number | null {
  const recent = hashes.slice(-seconds);
  if (recent.length === 0) return null;
  return recent.reduce((sum, v) => sum + v, 0) / recent.length;
}

/** The rate between two /json answers, as the original computed it (hashes Δ / now Δ). */
export function counterRate(
  a: Pick<Snapshot, "hashes" | "now">,
  b: Pick<Snapshot, "hashes" | "now">,
): number | null {
  const dt = b.now - a.now;
  return dt > 0 ? (b.hashes - a.hashes) / dt : null;
}

/** uPlot's column layout: x (epoch seconds), hashes/s, and workers when the API sends them. */
export type ChartColumns = [number[], number[], (number | null)[]];

export function chartData(series: Snapshot["series"], seconds = CHART_SECONDS): ChartColumns {
  const from = Math.max(0, series.hashes.length - seconds);
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: (number | null)[] = [];
  for (let i = from; i < series.hashes.length; i++) {
    xs.push(series.start + i);
    ys.push(series.hashes[i] ?? 0);
    ws.push(series.workers?.[i] ?? null);
  }
  return [xs, ys, ws];
}

/** One decimal below 100 (3.3 hashes/s matters), whole numbers above. */
export function formatRate(rate: number | null): string {
  if (rate === null) return "–";
  return rate < 100 ? rate.toFixed(1) : Math.round(rate).toLocaleString("en-US");
}

/** A one-line summary for screen readers: the canvas itself says nothing. */
export function describeChart(columns: ChartColumns): string {
  const ys = columns[1];
  if (ys.length === 0) return "Hashes per second, last 5 minutes: no data yet";
  const peak = Math.max(...ys);
  const latest = ys[ys.length - 1] ?? 0;
  return `Hashes per second over the last ${Math.round(ys.length / 60)} minutes: latest ${latest}, peak ${peak}`;
}

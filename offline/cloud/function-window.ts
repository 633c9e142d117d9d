/**
 * What one function did, second by second, over the last HISTORY_SECONDS: the counters of the
 * cloud report (invocations, cold starts, waits, throttles, errors, timeouts), the peak number
 * of concurrent executions in each second, and a duration histogram per second for the last
 * REPORT_WINDOW_SECONDS. Pure: time is passed in (epoch ms), so tests drive it.
 *
 * Cheap on the hot path: an event touches a few typed-array cells; seconds roll lazily (no
 * timer), and a second in which nothing happened keeps the concurrency level it inherited,
 * since nothing changed it (a 20 s invocation counts as busy in each of its 20 seconds).
 */
import { HISTORY_SECONDS, REPORT_WINDOW_SECONDS } from "../../functions/shared/cloud-report";

/** Durations below this land in the first bucket. */
const MIN_DURATION_MS = 0.1;
/** Each bucket is this much wider than the one before: percentiles are within ±5 %. */
const BUCKET_RATIO = 1.1;
const LOG_RATIO = Math.log(BUCKET_RATIO);
/** Up to 15 minutes (Lambda's longest timeout); longer durations land in the last bucket. */
export const DURATION_BUCKETS = Math.ceil(Math.log(900_000 / MIN_DURATION_MS) / LOG_RATIO) + 1;

export function bucketOf(ms: number): number {
  if (!(ms > MIN_DURATION_MS)) return 0;
  return Math.min(DURATION_BUCKETS - 1, Math.ceil(Math.log(ms / MIN_DURATION_MS) / LOG_RATIO));
}

/** A bucket's representative value: the geometric middle of its bounds. */
export function bucketValue(bucket: number): number {
  if (bucket === 0) return MIN_DURATION_MS;
  return MIN_DURATION_MS * BUCKET_RATIO ** (bucket - 0.5);
}

/** The value at quantile `q` (0..1) of a histogram, or null when it is empty. */
export function percentile(histogram: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < histogram.length; i += 1) total += histogram[i] ?? 0;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i += 1) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(histogram.length - 1);
}

/** `n` modulo `m`, never negative (seconds before the epoch, in tests). */
const mod = (n: number, m: number) => ((n % m) + m) % m;

export type Counter =
  | "invocations"
  | "coldStarts"
  | "waits"
  | "throttles"
  | "errors"
  | "timeouts"
  | "outOfMemory";
const COUNTERS: Counter[] = [
  "invocations",
  "coldStarts",
  "waits",
  "throttles",
  "errors",
  "timeouts",
  "outOfMemory",
];

/** How an invocation ended. */
export type Outcome = "ok" | "error" | "timeout";

export class FunctionWindow {
  private readonly slotSecond = new Float64Array(HISTORY_SECONDS).fill(-1);
  private readonly counters = new Map<Counter, Uint32Array>(
    COUNTERS.map((c) => [c, new Uint32Array(HISTORY_SECONDS)]),
  );
  private readonly peak = new Uint32Array(HISTORY_SECONDS);
  /** The largest memory an instance reported in each second, in bytes. */
  private readonly memoryPeak = new Float64Array(HISTORY_SECONDS);
  private readonly durations = new Uint32Array(REPORT_WINDOW_SECONDS * DURATION_BUCKETS);
  private current = -1;
  private running = 0;
  private totalColdStarts = 0;

  /** Executions running now. */
  get busy(): number {
    return this.running;
  }

  get coldStartsTotal(): number {
    return this.totalColdStarts;
  }

  /** Moves the window to the second of `nowMs`, clearing the seconds it skips. */
  private roll(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    if (second <= this.current) return this.current; // the clock stepped back: stay put
    const from =
      this.current < 0 ? second : Math.max(this.current + 1, second - HISTORY_SECONDS + 1);
    for (let s = from; s <= second; s += 1) {
      const slot = mod(s, HISTORY_SECONDS);
      this.slotSecond[slot] = s;
      for (const cells of this.counters.values()) cells[slot] = 0;
      this.peak[slot] = this.running;
      this.memoryPeak[slot] = 0;
      const d = mod(s, REPORT_WINDOW_SECONDS) * DURATION_BUCKETS;
      this.durations.fill(0, d, d + DURATION_BUCKETS);
    }
    this.current = second;
    return second;
  }

  count(counter: Counter, nowMs: number): void {
    const slot = mod(this.roll(nowMs), HISTORY_SECONDS);
    const cells = this.counters.get(counter) as Uint32Array;
    cells[slot] = (cells[slot] ?? 0) + 1;
    if (counter === "coldStarts") this.totalColdStarts += 1;
  }

  /** An invocation got its slot and runs. */
  begin(nowMs: number): void {
    const slot = mod(this.roll(nowMs), HISTORY_SECONDS);
    this.running += 1;
    if (this.running > (this.peak[slot] ?? 0)) this.peak[slot] = this.running;
  }

  /** An invocation ended after `durationMs`. */
  end(nowMs: number, durationMs: number, outcome: Outcome): void {
    const second = this.roll(nowMs);
    this.running = Math.max(0, this.running - 1);
    const slot = mod(second, HISTORY_SECONDS);
    const invocations = this.counters.get("invocations") as Uint32Array;
    invocations[slot] = (invocations[slot] ?? 0) + 1;
    if (outcome !== "ok") {
      const cells = this.counters.get(outcome === "error" ? "errors" : "timeouts") as Uint32Array;
      cells[slot] = (cells[slot] ?? 0) + 1;
    }
    const cell = mod(second, REPORT_WINDOW_SECONDS) * DURATION_BUCKETS + bucketOf(durationMs);
    this.durations[cell] = (this.durations[cell] ?? 0) + 1;
  }

  /** An instance reported `bytes` as its largest memory used so far. */
  memory(nowMs: number, bytes: number): void {
    const slot = mod(this.roll(nowMs), HISTORY_SECONDS);
    if (bytes > (this.memoryPeak[slot] ?? 0)) this.memoryPeak[slot] = bytes;
  }

  /** The largest memory any instance reported over the last `seconds`; null: none reported. */
  maxMemory(nowMs: number, seconds: number): number | null {
    const now = this.roll(nowMs);
    let max = 0;
    for (let s = now - Math.min(seconds, HISTORY_SECONDS) + 1; s <= now; s += 1) {
      const slot = mod(s, HISTORY_SECONDS);
      if (this.slotSecond[slot] === s) max = Math.max(max, this.memoryPeak[slot] ?? 0);
    }
    return max > 0 ? max : null;
  }

  /** The counter's sum over the `seconds` seconds ending with the current one. */
  sum(counter: Counter, nowMs: number, seconds: number, completeOnly = false): number {
    const now = this.roll(nowMs);
    const last = completeOnly ? now - 1 : now;
    const cells = this.counters.get(counter) as Uint32Array;
    let total = 0;
    for (let s = last - Math.min(seconds, HISTORY_SECONDS) + 1; s <= last; s += 1) {
      const slot = mod(s, HISTORY_SECONDS);
      if (this.slotSecond[slot] === s) total += cells[slot] ?? 0;
    }
    return total;
  }

  /** Mean per second over the `seconds` complete seconds before the current one. */
  rate(counter: Counter, nowMs: number, seconds: number): number {
    return this.sum(counter, nowMs, seconds, true) / seconds;
  }

  /** Duration percentile over the last REPORT_WINDOW_SECONDS; null when nothing ended. */
  durationPercentile(nowMs: number, q: number): number | null {
    const now = this.roll(nowMs);
    const merged = new Uint32Array(DURATION_BUCKETS);
    for (let s = now - REPORT_WINDOW_SECONDS + 1; s <= now; s += 1) {
      if (this.slotSecond[mod(s, HISTORY_SECONDS)] !== s) continue;
      const d = mod(s, REPORT_WINDOW_SECONDS) * DURATION_BUCKETS;
      for (let b = 0; b < DURATION_BUCKETS; b += 1) {
        merged[b] = (merged[b] ?? 0) + (this.durations[d + b] ?? 0);
      }
    }
    return percentile(merged, q);
  }

  /**
   * Peak concurrent executions in each of the last `seconds` seconds, oldest first, the
   * current second last. Seconds before the window began count 0 (nothing ran then).
   */
  concurrency(nowMs: number, seconds: number): number[] {
    const now = this.roll(nowMs);
    const out: number[] = [];
    for (let s = now - Math.min(seconds, HISTORY_SECONDS) + 1; s <= now; s += 1) {
      const slot = mod(s, HISTORY_SECONDS);
      out.push(this.slotSecond[slot] === s ? (this.peak[slot] ?? 0) : 0);
    }
    return out;
  }
}

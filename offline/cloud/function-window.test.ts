import { describe, expect, it } from "vitest";
import {
  bucketOf,
  bucketValue,
  DURATION_BUCKETS,
  FunctionWindow,
  percentile,
} from "./function-window";

const T0 = 1_800_000_000_000; // an epoch second boundary, in ms
const at = (seconds: number) => T0 + seconds * 1000;

describe("duration buckets and percentiles", () => {
  it("puts a duration in a bucket whose value is within 5 % of it", () => {
    for (const ms of [0.2, 1, 3.3, 100, 101, 2_500, 30_000, 600_000]) {
      const value = bucketValue(bucketOf(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThanOrEqual(0.05);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(1e12)).toBe(DURATION_BUCKETS - 1);
  });

  it("reads p50 and p95 from a histogram, and null from an empty one", () => {
    const histogram = new Array<number>(DURATION_BUCKETS).fill(0);
    // 90 calls of 10 ms, 10 calls of 1 s
    histogram[bucketOf(10)] = 90;
    histogram[bucketOf(1000)] = 10;
    expect(percentile(histogram, 0.5)).toBeCloseTo(bucketValue(bucketOf(10)));
    expect(percentile(histogram, 0.9)).toBeCloseTo(bucketValue(bucketOf(10)));
    expect(percentile(histogram, 0.95)).toBeCloseTo(bucketValue(bucketOf(1000)));
    expect(percentile(new Array<number>(DURATION_BUCKETS).fill(0), 0.5)).toBeNull();
  });
});

describe("FunctionWindow", () => {
  it("counts events in the last minute, and forgets older ones", () => {
    const w = new FunctionWindow();
    w.count("coldStarts", at(0));
    w.count("waits", at(0.5));
    w.count("waits", at(30));
    w.count("throttles", at(59.9));
    expect(w.sum("coldStarts", at(59.9), 60)).toBe(1);
    expect(w.sum("waits", at(59.9), 60)).toBe(2);
    expect(w.sum("throttles", at(59.9), 60)).toBe(1);
    // One second later the events of second 0 have left the minute.
    expect(w.sum("coldStarts", at(60), 60)).toBe(0);
    expect(w.sum("waits", at(60), 60)).toBe(1);
    expect(w.coldStartsTotal).toBe(1);
    // After a long silence (longer than the whole history) everything reads 0.
    expect(w.sum("waits", at(1000), 60)).toBe(0);
    expect(w.sum("throttles", at(1000), 300)).toBe(0);
  });

  it("counts invocations, errors and timeouts by outcome, and rates over complete seconds", () => {
    const w = new FunctionWindow();
    for (let s = 0; s < 5; s += 1) {
      for (let i = 0; i < 4; i += 1) {
        w.begin(at(s + i / 10));
        w.end(at(s + i / 10 + 0.05), 50, i === 3 ? "error" : "ok");
      }
    }
    w.begin(at(5));
    w.end(at(5.1), 100, "timeout");
    // At second 5, the complete seconds 0..4 had 4 calls each; second 5 is not complete.
    expect(w.rate("invocations", at(5.5), 5)).toBe(4);
    expect(w.sum("invocations", at(5.5), 60)).toBe(21);
    expect(w.sum("errors", at(5.5), 60)).toBe(5);
    expect(w.sum("timeouts", at(5.5), 60)).toBe(1);
    expect(w.durationPercentile(at(5.5), 0.5)).toBeCloseTo(bucketValue(bucketOf(50)));
    expect(w.durationPercentile(at(5.5), 0.99)).toBeCloseTo(bucketValue(bucketOf(100)));
    // Durations leave the window with their second.
    expect(w.durationPercentile(at(70), 0.5)).toBeNull();
  });

  it("records the peak concurrency of each second, carried through seconds without events", () => {
    const w = new FunctionWindow();
    w.begin(at(0));
    w.begin(at(0.1));
    w.begin(at(0.2));
    w.end(at(0.3), 300, "ok"); // 3 at once in second 0, 2 left running
    w.end(at(3.5), 3500, "ok"); // seconds 1 and 2: nothing happened, still 2 running
    w.end(at(4.5), 4500, "ok");
    expect(w.busy).toBe(0);
    expect(w.concurrency(at(5.2), 6)).toEqual([3, 2, 2, 2, 1, 0]);
    // Seconds before the first event are zeros, oldest first.
    expect(w.concurrency(at(5.2), 8)).toEqual([0, 0, 3, 2, 2, 2, 1, 0]);
  });

  it("ignores a clock that steps back", () => {
    const w = new FunctionWindow();
    w.count("waits", at(10));
    w.count("waits", at(9));
    expect(w.sum("waits", at(10), 60)).toBe(2);
  });
});

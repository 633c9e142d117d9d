import { describe, expect, it } from "vitest";
import { bucketIndex, LATENCY_BOUNDS_MS, quantileMs } from "./latency";

describe("latency histograms", () => {
  it("puts a latency in the first bucket whose bound covers it", () => {
    expect(bucketIndex(0.3)).toBe(0);
    expect(bucketIndex(100)).toBe(LATENCY_BOUNDS_MS.indexOf(100));
    expect(bucketIndex(101)).toBe(LATENCY_BOUNDS_MS.indexOf(120));
    expect(bucketIndex(60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it("reads a p95 as the bound of the bucket that reaches 95%", () => {
    const buckets = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
    buckets[bucketIndex(100)] = 94;
    buckets[bucketIndex(900)] = 6;
    expect(quantileMs(buckets, 0.95)).toBe(1_000);
    expect(quantileMs(buckets, 0.5)).toBe(100);
    expect(quantileMs([0, 0], 0.95)).toBeNull();
  });
});

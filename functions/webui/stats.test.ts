import { describe, expect, it } from "vitest";
import { bucketIndex } from "../shared/latency";
import { latencySummary, seriesWindow, toCount } from "./stats";

describe("stats", () => {
  it("windows complete seconds, leaving out those still being flushed", () => {
    expect(seriesWindow(10_500, 3, 2)).toEqual([6, 7, 8]);
  });

  it("reads Redis values as numbers", () => {
    expect(toCount("42")).toBe(42);
    expect(toCount(null)).toBe(0);
    expect(toCount("junk")).toBe(0);
  });

  it("averages latency over calls", () => {
    const b100 = `b${bucketIndex(100)}`;
    const b150 = `b${bucketIndex(150)}`;
    expect(
      latencySummary([
        ["count", "2", "sumUs", "200000", b100, "2"],
        null,
        ["sumUs", "150000", "count", "1", b150, "1"],
      ]),
    ).toEqual({ calls: 3, avgMs: 116.67, p95Ms: 150 });
    expect(latencySummary([null])).toEqual({ calls: 0, avgMs: null, p95Ms: null });
  });
});

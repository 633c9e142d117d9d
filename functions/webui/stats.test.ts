import { describe, expect, it } from "vitest";
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
    expect(
      latencySummary([["count", "2", "sumUs", "200000"], null, ["sumUs", "100500", "count", "1"]]),
    ).toEqual({
      calls: 3,
      avgMs: 100.17,
    });
    expect(latencySummary([null])).toEqual({ calls: 0, avgMs: null });
  });
});

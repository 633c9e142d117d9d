import { describe, expect, it } from "vitest";
import { parseStats } from "./stats";

describe("parseStats", () => {
  it("reads the full /json document", () => {
    const s = parseStats({
      coins: 2,
      hashes: 120,
      now: 1700000000.5,
      series: { start: 1699999700, hashes: [3, 4, 3], workers: [1, 1, 2] },
      workers: { desired: 2, active: 1 },
      latency: {
        rng: { calls: 30, avgMs: 101.2, p95Ms: 104 },
        hasher: { calls: 30, avgMs: 100.4, p95Ms: null },
      },
      recentCoins: ["0abc", "0def"],
    });
    expect(s).toEqual({
      coins: 2,
      hashes: 120,
      now: 1700000000.5,
      series: { start: 1699999700, hashes: [3, 4, 3], workers: [1, 1, 2] },
      workers: { desired: 2, active: 1 },
      latency: {
        rng: { calls: 30, avgMs: 101.2, p95Ms: 104 },
        hasher: { calls: 30, avgMs: 100.4, p95Ms: null },
      },
      recentCoins: ["0abc", "0def"],
    });
  });

  it("accepts the original's bare {coins, hashes, now}, with strings and null", () => {
    const s = parseStats({ coins: "3", hashes: null, now: 1700000000 });
    expect(s.coins).toBe(3);
    expect(s.hashes).toBe(0);
    expect(s.series).toEqual({ start: 0, hashes: [], workers: null });
    expect(s.workers).toEqual({ desired: null, active: null });
    expect(s.latency).toEqual({ rng: null, hasher: null });
    expect(s.recentCoins).toEqual([]);
  });

  it("turns junk inside the extra fields into zeros or unknowns, not exceptions", () => {
    const s = parseStats({
      coins: 1,
      hashes: 1,
      now: 1,
      series: { start: "x", hashes: [1, "2", null, "nope"] },
      workers: "lots",
      latency: { rng: { calls: "5", avgMs: "NaN" } },
      recentCoins: ["0a", 7, null],
    });
    expect(s.series.hashes).toEqual([1, 2, 0, 0]);
    expect(s.series.start).toBe(0);
    expect(s.workers).toEqual({ desired: null, active: null });
    expect(s.latency.rng).toEqual({ calls: 5, avgMs: null, p95Ms: null });
    expect(s.recentCoins).toEqual(["0a"]);
  });

  it("rejects a document without a usable clock", () => {
    expect(() => parseStats(null)).toThrow(/not an object/);
    expect(() => parseStats([1])).toThrow(/not an object/);
    expect(() => parseStats({ coins: 1, hashes: 1 })).toThrow(/now/);
  });
});

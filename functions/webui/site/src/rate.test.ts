import { describe, expect, it } from "vitest";
import { chartData, counterRate, describeChart, formatRate, smoothedSpeed } from "./rate";

describe("smoothedSpeed", () => {
  it("averages the last five complete seconds", () => {
    expect(smoothedSpeed([100, 100, 3, 4, 3, 3, 4])).toBeCloseTo(3.4);
  });

  it("shows a steady 3.33 hashes/s as ~3.3, not the original's 4-4-4-0", () => {
    // One worker at one loop per 0.3 s completes 3 or 4 hashes in each second.
    const seconds = Array.from(
      { length: 30 },
      (_, i) => Math.floor((i + 1) / 0.3) - Math.floor(i / 0.3),
    );
    for (let end = 5; end <= seconds.length; end++) {
      const speed = smoothedSpeed(seconds.slice(0, end)) ?? 0;
      expect(speed).toBeGreaterThanOrEqual(3.2);
      expect(speed).toBeLessThanOrEqual(3.6);
    }
  });

  it("uses what there is when the series is short, and knows nothing of an empty one", () => {
    expect(smoothedSpeed([2, 4])).toBe(3);
    expect(smoothedSpeed([])).toBeNull();
  });
});

describe("counterRate", () => {
  it("is the hashes delta over the clock delta", () => {
    expect(counterRate({ hashes: 100, now: 10 }, { hashes: 133, now: 20 })).toBeCloseTo(3.3);
  });

  it("has no rate without time passing", () => {
    expect(counterRate({ hashes: 1, now: 10 }, { hashes: 2, now: 10 })).toBeNull();
  });
});

describe("chartData", () => {
  it("maps each bucket to its epoch second", () => {
    expect(chartData({ start: 1000, hashes: [3, 4], workers: [1, 2] })).toEqual([
      [1000, 1001],
      [3, 4],
      [1, 2],
    ]);
  });

  it("keeps the last window of seconds, with unknown workers as gaps", () => {
    const [xs, ys, ws] = chartData({ start: 0, hashes: [1, 2, 3, 4], workers: null }, 3);
    expect(xs).toEqual([1, 2, 3]);
    expect(ys).toEqual([2, 3, 4]);
    expect(ws).toEqual([null, null, null]);
  });

  it("describes itself for screen readers", () => {
    const columns = chartData({ start: 0, hashes: Array(300).fill(3), workers: null });
    expect(describeChart(columns)).toBe(
      "Hashes per second over the last 5 minutes: latest 3, peak 3",
    );
    expect(describeChart([[], [], []])).toMatch(/no data yet/);
  });
});

describe("formatRate", () => {
  it("keeps a decimal where it matters", () => {
    expect(formatRate(3.333)).toBe("3.3");
    expect(formatRate(0)).toBe("0.0");
    expect(formatRate(1234.4)).toBe("1,234");
    expect(formatRate(null)).toBe("–");
  });
});

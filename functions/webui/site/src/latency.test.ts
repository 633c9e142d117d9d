import { describe, expect, it } from "vitest";
import { formatMs, latencyRows } from "./latency";

const stat = (avgMs: number | null, p95Ms: number | null = null, calls = 10) => ({
  calls,
  avgMs,
  p95Ms,
});

describe("latencyRows", () => {
  it("marks the service with the worse average as the slowest", () => {
    const rows = latencyRows({ rng: stat(400, 1000), hasher: stat(100, 120) });
    expect(rows.map((r) => [r.name, r.slowest])).toEqual([
      ["rng", true],
      ["hasher", false],
    ]);
    expect(rows[0]?.share).toBe(1);
    expect(rows[1]?.share).toBe(0.25);
  });

  it("sees the queueing service even when both p95s fall in the same bucket", () => {
    const rows = latencyRows({ rng: stat(146, 150), hasher: stat(116, 150) });
    expect(rows.find((r) => r.slowest)?.name).toBe("rng");
  });

  it("ranks by p95 when the API has no average", () => {
    const rows = latencyRows({ rng: stat(null, 100), hasher: stat(null, 200) });
    expect(rows.find((r) => r.slowest)?.name).toBe("hasher");
  });

  it("names no bottleneck when there is nothing to compare or the gap is noise", () => {
    const none = (latency: Parameters<typeof latencyRows>[0]) =>
      latencyRows(latency).some((r) => r.slowest);
    expect(none({ rng: stat(100, 120), hasher: stat(100, 120) })).toBe(false);
    expect(none({ rng: stat(101.2, 120), hasher: stat(102.9, 120) })).toBe(false);
    expect(none({ rng: stat(null), hasher: stat(100) })).toBe(false);
    expect(latencyRows({ rng: null, hasher: null })).toEqual([
      { name: "rng", calls: 0, avgMs: null, p95Ms: null, slowest: false, share: 0 },
      { name: "hasher", calls: 0, avgMs: null, p95Ms: null, slowest: false, share: 0 },
    ]);
  });
});

describe("formatMs", () => {
  it("is readable at both ends of the range", () => {
    expect(formatMs(0.654)).toBe("0.7 ms");
    expect(formatMs(101.4)).toBe("101 ms");
    expect(formatMs(1234)).toBe("1,234 ms");
    expect(formatMs(null)).toBe("–");
  });
});

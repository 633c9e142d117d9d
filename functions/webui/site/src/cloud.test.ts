import { describe, expect, it } from "vitest";
import { FIGURES } from "../../../shared/cloud-report";
import {
  concurrencyChart,
  describeConcurrency,
  formatDuration,
  functionRows,
  isUnsupportedStatus,
  NOT_REPORTED,
  parseCloudReport,
  queueLine,
} from "./cloud";

const allReported = Object.fromEntries(FIGURES.map((f) => [f, true]));

const rng = {
  key: "rng",
  name: "dockercoins-dev-rng",
  instances: 1,
  busy: 1,
  waiting: 7,
  concurrencyLimit: 1,
  invocationsPerSecond: 9.6,
  coldStarts: 1,
  coldStartsTotal: 1,
  waits: 540,
  throttles: 0,
  errors: 0,
  timeouts: 0,
  durationP50Ms: 101.2,
  durationP95Ms: 104.9,
  maxMemoryUsedMb: 41.3,
  memorySizeMb: 256,
  outOfMemory: 0,
};
const hasher = { ...rng, key: "hasher", concurrencyLimit: null, waits: 0, durationP50Ms: null };
const devReport = {
  stage: "dev",
  source: "measured",
  now: 1_800_000_000_000,
  windowSeconds: 60,
  rateWindowSeconds: 5,
  reported: allReported,
  functions: [rng, hasher],
  concurrency: {
    start: 1_799_999_998,
    seconds: 3,
    byFunction: { rng: [1, 1, 1], hasher: [0, 2, 1] },
  },
  queues: [
    {
      name: "tickets",
      visible: 2,
      inFlight: 8,
      oldestAgeSeconds: 3,
      deadLetter: { name: "tickets-dlq", messages: 1 },
    },
  ],
};

describe("the Cloud panel's model", () => {
  it("shows every figure of a stage that reports them all", () => {
    const report = parseCloudReport(devReport);
    const [r, h] = functionRows(report);
    expect(r?.cells.map((c) => c.text)).toEqual([
      "rng",
      "1 (1)",
      "1",
      "9.6",
      "1",
      "540",
      "0",
      "0",
      "0",
      "101 ms",
      "105 ms",
      "41 of 256 MB",
    ]);
    expect(r?.limited).toBe(true);
    // No limit, and no calls to time, are facts, not gaps.
    expect(h?.cells[2]?.text).toBe("none");
    expect(h?.cells[9]?.text).toBe("no calls");
    expect(h?.limited).toBe(false);
    // Out-of-memory kills are shown among the errors.
    const [killed] = functionRows(
      parseCloudReport({ ...devReport, functions: [{ ...rng, errors: 3, outOfMemory: 2 }] }),
    );
    expect(killed?.cells[7]?.text).toBe("3 (2 out of memory)");
    expect(queueLine(report.queues[0] as never, report.reported)).toBe(
      "2 visible · 8 in flight · oldest 3 s · DLQ 1",
    );
  });

  it("shows what a stage does not report as not reported, never as 0", () => {
    const reported = {
      ...allReported,
      instances: false,
      waits: false,
      oldestAgeSeconds: false,
      maxMemoryUsedMb: false,
    };
    // Values sent for unreported figures are not trusted.
    const report = parseCloudReport({ ...devReport, reported });
    const [r] = functionRows(report);
    expect(report.functions[0]?.instances).toBeNull();
    expect(r?.cells[1]).toEqual({ text: NOT_REPORTED, notReported: true });
    expect(r?.cells[5]).toEqual({ text: NOT_REPORTED, notReported: true });
    expect(r?.cells[11]).toEqual({ text: NOT_REPORTED, notReported: true });
    expect(queueLine(report.queues[0] as never, report.reported)).toBe(
      `2 visible · 8 in flight · oldest ${NOT_REPORTED} · DLQ 1`,
    );
    // A report without `reported` entries (an older or foreign API) reports nothing.
    const bare = parseCloudReport({ reported: {}, functions: [rng] });
    expect(
      functionRows(bare)[0]
        ?.cells.slice(1)
        .every((c) => c.notReported),
    ).toBe(true);
    expect(concurrencyChart(bare)).toBeNull();
  });

  it("charts concurrency per function with each limit marked", () => {
    const chart = concurrencyChart(parseCloudReport(devReport));
    expect(chart).toEqual({
      xs: [1_799_999_998, 1_799_999_999, 1_800_000_000],
      lines: [
        { key: "rng", values: [1, 1, 1] },
        { key: "hasher", values: [0, 2, 1] },
      ],
      limits: [{ key: "rng", limit: 1 }],
    });
    expect(describeConcurrency(chart as never)).toMatch(
      /Now: rng 1, hasher 1\. rng limited to 1\./,
    );
  });

  it("refuses what is not a report, and knows the answers of an API without one", () => {
    expect(() => parseCloudReport({ coins: 1 })).toThrow(/not an object with `reported`/);
    expect(() => parseCloudReport(null)).toThrow();
    for (const status of [403, 404]) expect(isUnsupportedStatus(status)).toBe(true);
    for (const status of [500, 502, 503]) expect(isUnsupportedStatus(status)).toBe(false);
    expect(formatDuration(12_345, true)).toBe("12.3 s");
    expect(formatDuration(3.21, true)).toBe("3.2 ms");
  });
});

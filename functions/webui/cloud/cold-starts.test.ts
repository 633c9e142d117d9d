import { describe, expect, it } from "vitest";
import { awsColdStartResults, FUNCTIONS } from "../../../tests/fixtures/cloudwatch-answers";
import { COLD_START_QUERY, logGroupOf, reportLinesByFunction } from "./cold-starts";

const coldStartsByFunction = (...args: Parameters<typeof reportLinesByFunction>) =>
  Object.fromEntries(
    Object.entries(reportLinesByFunction(...args)).map(([key, lines]) => [key, lines.coldStarts]),
  );
const memoryByFunction = (...args: Parameters<typeof reportLinesByFunction>) =>
  Object.fromEntries(
    Object.entries(reportLinesByFunction(...args)).map(([key, { coldStarts: _, ...memory }]) => [
      key,
      memory,
    ]),
  );

describe("cold starts from CloudWatch Logs", () => {
  it("counts the REPORT lines that carry an Init Duration, per log group", () => {
    expect(COLD_START_QUERY).toContain('sum(strcontains(@message, "Init Duration"))');
    expect(COLD_START_QUERY).toContain('@type = "REPORT"');
    expect(coldStartsByFunction(FUNCTIONS, awsColdStartResults.results)).toEqual({
      rng: 1,
      hasher: 2,
      worker: 0,
    });
  });

  it("matches the whole log group, not a prefix, and skips rows it cannot read", () => {
    const rows = [
      [
        { field: "@log", value: "1:/aws/lambda/dockercoins-prod-rng-old" },
        { field: "coldStarts", value: "9" },
      ],
      [{ field: "@log", value: "1:/aws/lambda/dockercoins-prod-hasher" }],
      [
        { field: "@log", value: "1:/aws/lambda/dockercoins-prod-worker" },
        { field: "coldStarts", value: "-1" },
      ],
    ];
    expect(coldStartsByFunction(FUNCTIONS, rows)).toEqual({ rng: 0, hasher: 0, worker: 0 });
    expect(logGroupOf({ key: "rng", name: "dockercoins-prod-rng" })).toBe(
      "/aws/lambda/dockercoins-prod-rng",
    );
  });

  it("reads each function's largest Max Memory Used and its Memory Size, in MB", () => {
    expect(COLD_START_QUERY).toContain("max(@maxMemoryUsed) as maxMemoryUsed");
    expect(memoryByFunction(FUNCTIONS, awsColdStartResults.results)).toEqual({
      rng: { maxMemoryUsedMb: 74, memorySizeMb: 256 },
      hasher: { maxMemoryUsedMb: 81, memorySizeMb: 256 },
      // No REPORT line in the range: nothing measured, not 0.
      worker: { maxMemoryUsedMb: null, memorySizeMb: null },
    });
    const unreadable = [
      [
        { field: "@log", value: "1:/aws/lambda/dockercoins-prod-rng" },
        { field: "maxMemoryUsed", value: "n/a" },
      ],
    ];
    expect(memoryByFunction(FUNCTIONS, unreadable).rng).toEqual({
      maxMemoryUsedMb: null,
      memorySizeMb: null,
    });
  });
});

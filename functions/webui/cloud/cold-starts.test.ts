import { describe, expect, it } from "vitest";
import { awsColdStartResults, FUNCTIONS } from "../../../tests/fixtures/cloudwatch-answers";
import { COLD_START_QUERY, coldStartsByFunction, logGroupOf } from "./cold-starts";

describe("cold starts from CloudWatch Logs", () => {
  it("counts the REPORT lines that carry an Init Duration, per log group", () => {
    expect(COLD_START_QUERY).toContain("ispresent(@initDuration)");
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
});

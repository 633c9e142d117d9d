import { describe, expect, it } from "vitest";
import { triggerOf } from "./trigger";

describe("triggerOf", () => {
  it("recognises EventBridge's scheduled event", () => {
    const event = {
      version: "0",
      id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "000000000000",
      time: "2026-12-01T21:00:00Z",
      region: "us-east-1",
      resources: ["arn:aws:events:us-east-1:000000000000:rule/dockercoins-local-supervisor"],
      detail: {},
    };
    expect(triggerOf(event)).toBe("schedule");
  });

  it("calls anything else on demand: no payload, an empty one, another source", () => {
    expect(triggerOf(undefined)).toBe("on demand");
    expect(triggerOf(null)).toBe("on demand");
    expect(triggerOf({})).toBe("on demand");
    expect(triggerOf("Scheduled Event")).toBe("on demand");
    expect(triggerOf({ source: "aws.s3", "detail-type": "Scheduled Event" })).toBe("on demand");
  });
});

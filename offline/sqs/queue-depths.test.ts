import { describe, expect, it } from "vitest";
import { queueDepthsOf } from "./queue-depths";

const dlq = "arn:aws:sqs:us-east-1:000000000000:tickets-dlq";

describe("queueDepthsOf", () => {
  it("counts ready and in-flight messages and finds the oldest one sent", () => {
    const body = JSON.stringify({
      attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 3 }),
      },
      messages: {
        ready: [{ sentTimestamp: 3_000 }, { sentTimestamp: 5_000 }],
        delayed: [{ sentTimestamp: 4_000 }],
        inflight: [
          { message: { sentTimestamp: 2_000 }, receiptHandle: "r", visibilityDeadline: 9 },
        ],
      },
    });
    expect(queueDepthsOf("tickets", 200, body)).toEqual({
      visible: 2,
      inFlight: 1,
      oldestSentAt: 2_000,
      deadLetterTargetArn: dlq,
    });
  });

  it("reads an empty queue without a redrive policy", () => {
    const body = JSON.stringify({
      attributes: {},
      messages: { ready: [], delayed: [], inflight: [] },
    });
    expect(queueDepthsOf("dlq", 200, body)).toEqual({
      visible: 0,
      inFlight: 0,
      oldestSentAt: null,
      deadLetterTargetArn: null,
    });
  });

  it("names the queue fauxqs does not know", () => {
    expect(() => queueDepthsOf("nope", 404, "{}")).toThrow("fauxqs has no queue nope (404)");
  });
});

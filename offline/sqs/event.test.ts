import type { Message } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  buildSqsEvent,
  describeError,
  planDeletion,
  regionOfArn,
  SqsEventError,
} from "./event";

const ARN = "arn:aws:sqs:eu-west-1:000000000000:work";

const received = (id: string, extra: Partial<Message> = {}): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  MD5OfBody: "md5",
  Body: `body-${id}`,
  Attributes: {
    SenderId: "000000000000",
    SentTimestamp: "1700000000000",
    ApproximateReceiveCount: "2",
    ApproximateFirstReceiveTimestamp: "1700000000100",
  },
  ...extra,
});

describe("buildSqsEvent", () => {
  it("builds the records Lambda delivers", () => {
    const event = buildSqsEvent([received("a")], ARN);
    expect(event).toEqual({
      Records: [
        {
          messageId: "a",
          receiptHandle: "rh-a",
          body: "body-a",
          attributes: {
            ApproximateReceiveCount: "2",
            SentTimestamp: "1700000000000",
            SenderId: "000000000000",
            ApproximateFirstReceiveTimestamp: "1700000000100",
          },
          messageAttributes: {},
          md5OfBody: "md5",
          eventSource: "aws:sqs",
          eventSourceARN: ARN,
          awsRegion: "eu-west-1",
        },
      ],
    });
    // Same key order as Lambda's events, which shows in logged events.
    expect(Object.keys(event.Records[0]?.attributes ?? {})[0]).toBe("ApproximateReceiveCount");
  });

  it("converts message attributes to Lambda's shape and keeps FIFO attributes", () => {
    const [record] = buildSqsEvent(
      [
        received("a", {
          MD5OfMessageAttributes: "md5attrs",
          MessageAttributes: {
            kind: { DataType: "String", StringValue: "coin" },
            n: { DataType: "Number", StringValue: "7" },
            raw: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
          },
          Attributes: {
            ApproximateReceiveCount: "1",
            SentTimestamp: "1",
            SenderId: "s",
            ApproximateFirstReceiveTimestamp: "2",
            MessageGroupId: "g",
          },
        }),
      ],
      ARN,
    ).Records;
    expect(record?.messageAttributes).toEqual({
      kind: { stringValue: "coin", stringListValues: [], binaryListValues: [], dataType: "String" },
      n: { stringValue: "7", stringListValues: [], binaryListValues: [], dataType: "Number" },
      raw: { binaryValue: "AQID", stringListValues: [], binaryListValues: [], dataType: "Binary" },
    });
    expect(record?.md5OfMessageAttributes).toBe("md5attrs");
    expect(record?.attributes.MessageGroupId).toBe("g");
  });

  it("rejects messages without an id or receipt handle", () => {
    expect(() => buildSqsEvent([{ Body: "x" }], ARN)).toThrow(SqsEventError);
  });

  it("takes the region from the queue ARN", () => {
    expect(regionOfArn("arn:aws:sqs:ap-south-1:1:q")).toBe("ap-south-1");
    expect(regionOfArn("not-an-arn")).toBe("us-east-1");
  });
});

describe("planDeletion", () => {
  const event = buildSqsEvent([received("a"), received("b"), received("c")], ARN);
  const all = ["rh-a", "rh-b", "rh-c"];
  const ok = (response: unknown) => ({ ok: true as const, response });

  it("deletes nothing when the invocation failed", () => {
    const plan = planDeletion(event, { ok: false, error: "boom" }, true);
    expect(plan).toEqual({
      deleteReceiptHandles: [],
      retryMessageIds: ["a", "b", "c"],
      problem: "invocation failed: boom",
    });
  });

  it("deletes the whole batch on success without ReportBatchItemFailures, whatever the response", () => {
    const failures = { batchItemFailures: [{ itemIdentifier: "a" }] };
    expect(planDeletion(event, ok(failures), false).deleteReceiptHandles).toEqual(all);
    expect(planDeletion(event, ok("whatever"), false).deleteReceiptHandles).toEqual(all);
  });

  it.each([undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }])(
    "treats %j as complete success",
    (response) => {
      expect(planDeletion(event, ok(response), true)).toEqual({
        deleteReceiptHandles: all,
        retryMessageIds: [],
      });
    },
  );

  it("keeps only the reported failures", () => {
    const plan = planDeletion(event, ok({ batchItemFailures: [{ itemIdentifier: "b" }] }), true);
    expect(plan).toEqual({
      deleteReceiptHandles: ["rh-a", "rh-c"],
      retryMessageIds: ["b"],
      problem: "1 batch item failure(s)",
    });
  });

  it.each([
    ["a string", "ok"],
    ["a list", [{ itemIdentifier: "a" }]],
    ["batchItemFailures not a list", { batchItemFailures: { itemIdentifier: "a" } }],
    ["an empty itemIdentifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["a missing itemIdentifier", { batchItemFailures: [{ id: "a" }] }],
    ["an unknown itemIdentifier", { batchItemFailures: [{ itemIdentifier: "zzz" }] }],
  ])("fails the whole batch on a malformed response (%s)", (_label, response) => {
    const plan = planDeletion(event, ok(response), true);
    expect(plan.deleteReceiptHandles).toEqual([]);
    expect(plan.retryMessageIds).toEqual(["a", "b", "c"]);
    expect(plan.problem).toMatch(/^malformed batch response/);
  });
});

describe("backoffDelayMs", () => {
  it("doubles from 100 ms and caps at 5 s", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => backoffDelayMs(n));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect(backoffDelayMs(0)).toBe(0);
    expect(backoffDelayMs(3, { initialMs: 10, maxMs: 25 })).toBe(25);
  });
});

describe("describeError", () => {
  it("gives one line with the error's name or code", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    expect(describeError(refused)).toBe("connect ECONNREFUSED 127.0.0.1:1");
    const missing = Object.assign(new Error("The specified queue does not exist."), {
      name: "QueueDoesNotExist",
    });
    expect(describeError(missing)).toBe("QueueDoesNotExist: The specified queue does not exist.");
    const hangUp = Object.assign(new Error("socket hang up"), {
      name: "TimeoutError",
      code: "ECONNRESET",
    });
    expect(describeError(hangUp)).toBe("TimeoutError: socket hang up [ECONNRESET]");
    expect(describeError("plain")).toBe("plain");
  });
});

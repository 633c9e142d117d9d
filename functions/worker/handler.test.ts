import { beforeAll, describe, expect, it } from "vitest";
import { lambdaContext, sqsEvent, sqsRecord } from "../shared/fixtures";
import { unreachableEnv } from "../shared/test-env";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  Object.assign(process.env, unreachableEnv);
  ({ handler } = await import("./handler"));
});

describe("worker handler", () => {
  it("reports malformed tickets as batch item failures, so they reach the DLQ", async () => {
    const result = await handler(
      sqsEvent(
        sqsRecord("not json", { messageId: "a" }),
        sqsRecord('{"replica": -1, "id": "x"}', { messageId: "b" }),
      ),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "a" }, { itemIdentifier: "b" }]);
  });

  it("reports a ticket it could not act on (Redis unreachable) for redelivery", async () => {
    const result = await handler(
      sqsEvent(sqsRecord('{"replica": 0, "id": "t"}', { messageId: "c" })),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "c" }]);
  });
});

import { beforeAll, describe, expect, it, vi } from "vitest";
import { setFunctionEnvironment, unreachableEnv } from "../../tests/fixtures/function-env";
import { lambdaContext, sqsEvent, sqsRecord } from "../../tests/fixtures/lambda-events";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  setFunctionEnvironment(unreachableEnv);
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

  it("logs a malformed ticket once, at its first delivery, not at every retry", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const receives of ["1", "2", "3"]) {
        const record = sqsRecord("not json", { messageId: "m" });
        record.attributes.ApproximateReceiveCount = receives;
        await handler(sqsEvent(record), lambdaContext());
      }
      const lines = errors.mock.calls.map(([line]) => String(line));
      expect(lines.filter((l) => l.includes("malformed ticket rejected"))).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
  });

  it("reports a ticket it could not act on (Redis unreachable) for redelivery", async () => {
    const result = await handler(
      sqsEvent(sqsRecord('{"replica": 0, "id": "t"}', { messageId: "c" })),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "c" }]);
  });
});

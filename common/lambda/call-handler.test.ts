import { describe, expect, it } from "vitest";
import { callHandler, type Handler, lambdaContext } from "./call-handler";

const context = (deadline = Date.now() + 1_000) =>
  lambdaContext({
    functionName: "fn",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn",
    memoryLimitInMB: "128",
    awsRequestId: "req-1",
    deadline,
  });

describe("calling a Lambda handler", () => {
  it("settles on a returned promise, the callback, or a plain return", async () => {
    const asyncHandler: Handler = async (event) => ({ got: event });
    const callbackHandler: Handler = (_event, _context, callback) => callback(null, "via callback");
    const plain: Handler = () => "returned";
    expect(await callHandler(asyncHandler, 1, context())).toEqual({ got: 1 });
    expect(await callHandler(callbackHandler, 1, context())).toBe("via callback");
    expect(await callHandler(plain, 1, context())).toBe("returned");
  });

  it("rejects with what the handler threw, rejected with, or passed to the callback", async () => {
    const thrown: Handler = () => {
      throw new Error("thrown");
    };
    const rejected: Handler = async () => {
      throw new Error("rejected");
    };
    const failed: Handler = (_event, ctx) => ctx.fail?.(new Error("failed"));
    await expect(callHandler(thrown, null, context())).rejects.toThrow("thrown");
    await expect(callHandler(rejected, null, context())).rejects.toThrow("rejected");
    await expect(callHandler(failed, null, context())).rejects.toThrow("failed");
  });

  it("settles once: a callback after the promise changes nothing", async () => {
    const both: Handler = async (_event, _context, callback) => {
      setTimeout(() => callback(new Error("too late")), 5);
      return "first";
    };
    expect(await callHandler(both, null, context())).toBe("first");
  });

  it("counts the remaining time down to the deadline, never below 0", () => {
    expect(context(Date.now() + 500).getRemainingTimeInMillis()).toBeGreaterThan(400);
    expect(context(Date.now() - 10).getRemainingTimeInMillis()).toBe(0);
    expect(context().functionVersion).toBe("$LATEST");
  });
});

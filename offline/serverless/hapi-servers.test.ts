import { describe, expect, it } from "vitest";
import { withErrorType } from "./hapi-servers";

describe("withErrorType: the invoke API's answer names the function's error type", () => {
  it("takes the type from the trace's first line", () => {
    const answer = {
      errorMessage: "RequestId: x Error: Runtime exited with error: exit status 1",
      errorType: "Error",
      trace: ["Runtime.ExitError: RequestId: x Error: Runtime exited…", "    at …"],
    };
    expect(withErrorType(answer)).toEqual({ ...answer, errorType: "Runtime.ExitError" });
    expect(withErrorType({ ...answer, trace: ["TypeError: async bug"] })).toMatchObject({
      errorType: "TypeError",
    });
  });
  it("leaves every other answer as it is", () => {
    for (const payload of [
      { result: 1 },
      "text",
      null,
      { errorType: "Error", trace: ["no type here"] },
      { errorType: "Error", trace: "not a list" },
      { errorType: "Custom", trace: ["TypeError: x"] },
    ]) {
      expect(withErrorType(payload)).toBe(payload);
    }
  });
});

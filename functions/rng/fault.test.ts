import { describe, expect, it } from "vitest";
import { checkFault, InjectedFaultError } from "./fault";

describe("checkFault", () => {
  it("never fails when the switch is off (0)", () => {
    expect(() => checkFault(1_000, 1_000, 0)).not.toThrow();
  });

  it("fails with a 500 for faultMs after the start, then heals by itself", () => {
    expect(() => checkFault(1_000, 1_000, 500)).toThrow(InjectedFaultError);
    expect(() => checkFault(1_000, 1_499, 500)).toThrow(/failing for 1 ms more/);
    try {
      checkFault(1_000, 1_200, 500);
    } catch (err) {
      expect((err as InjectedFaultError).statusCode).toBe(500);
    }
    expect(() => checkFault(1_000, 1_500, 500)).not.toThrow();
    expect(() => checkFault(1_000, 9_000, 500)).not.toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { BadRequestError } from "../shared/errors";
import { parseByteCount } from "./byte-count";

describe("parseByteCount", () => {
  it.each([
    ["0", 0],
    ["32", 32],
    ["1048576", 1048576],
  ])("accepts %s", (raw, expected) => {
    expect(parseByteCount(raw, 1048576)).toBe(expected);
  });

  it.each(["abc", "-1", "1.5", "1e3", "00032", " 32", "0x20", "99999999999999999999"])(
    "refuses %j with a 400",
    (raw) => {
      expect(() => parseByteCount(raw, 1048576)).toThrow(BadRequestError);
    },
  );

  it("refuses more than the maximum, naming the setting", () => {
    expect(() => parseByteCount("1048577", 1048576)).toThrow(/at most 1048576 \(RNG_MAX_BYTES\)/);
  });

  it("refuses a missing count", () => {
    expect(() => parseByteCount("", 10)).toThrow(/missing byte count/);
  });
});

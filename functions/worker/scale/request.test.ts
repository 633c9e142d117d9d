import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../shared/errors";
import { parseScaleRequest } from "./request";

describe("parseScaleRequest", () => {
  it("reads the wanted replica count", () => {
    expect(parseScaleRequest('{"replicas": 10}', false, 50)).toBe(10);
    expect(parseScaleRequest('{"replicas": 0}', false, 50)).toBe(0);
    expect(parseScaleRequest(Buffer.from('{"replicas":2}').toString("base64"), true, 50)).toBe(2);
  });

  it.each([
    ["not json", /must be JSON/],
    [null, /must be JSON/],
    ['{"replicas": -1}', /from 0 to 50/],
    ['{"replicas": 1e9}', /from 0 to 50.*got 1000000000/],
    ['{"replicas": 2.5}', /whole number/],
    ['{"replicas": "3"}', /got "3"/],
    ["{}", /got undefined/],
  ])("refuses %j", (body, message) => {
    expect(() => parseScaleRequest(body, false, 50)).toThrow(BadRequestError);
    expect(() => parseScaleRequest(body, false, 50)).toThrow(message);
  });
});

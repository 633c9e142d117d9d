import { describe, expect, it } from "vitest";
import {
  BridgeHttpError,
  encodeResult,
  isAuthorized,
  parseCommand,
  parseCommandBatch,
  parseJsonBody,
  toOutcome,
  wantsBase64,
} from "./protocol";

const b64 = (text: string) => Buffer.from(text).toString("base64");

function httpError(fn: () => unknown): BridgeHttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BridgeHttpError) return err;
    throw err;
  }
  throw new Error("expected a BridgeHttpError");
}

describe("isAuthorized", () => {
  it("accepts the exact bearer token, with any casing of the scheme", () => {
    expect(isAuthorized("Bearer s3cret", "s3cret")).toBe(true);
    expect(isAuthorized("bearer s3cret", "s3cret")).toBe(true);
  });

  it("rejects missing, malformed, wrong and differently sized tokens", () => {
    expect(isAuthorized(undefined, "s3cret")).toBe(false);
    expect(isAuthorized("", "s3cret")).toBe(false);
    expect(isAuthorized("Basic s3cret", "s3cret")).toBe(false);
    expect(isAuthorized("Bearer ", "s3cret")).toBe(false);
    expect(isAuthorized("Bearer s3creT", "s3cret")).toBe(false);
    expect(isAuthorized("Bearer s3cret-and-more", "s3cret")).toBe(false);
  });
});

describe("wantsBase64", () => {
  it("is on only for the base64 Upstash-Encoding header", () => {
    expect(wantsBase64("base64")).toBe(true);
    expect(wantsBase64("BASE64")).toBe(true);
    expect(wantsBase64(undefined)).toBe(false);
    expect(wantsBase64(["base64", "base64"])).toBe(false);
  });
});

describe("request validation", () => {
  it("parses JSON bodies and answers 400 for invalid JSON", () => {
    expect(parseJsonBody(Buffer.from('["get","k"]'))).toEqual(["get", "k"]);
    const err = httpError(() => parseJsonBody(Buffer.from('["get",')));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^ERR the request body is not valid JSON/);
  });

  it("turns numeric and boolean arguments into strings, as Redis receives them", () => {
    expect(parseCommand(["incrby", "hashes", 4])).toEqual(["incrby", "hashes", "4"]);
    expect(parseCommand(["set", "flag", true])).toEqual(["set", "flag", "true"]);
    expect(parseCommand(["zadd", "z", 1.5, "m"])).toEqual(["zadd", "z", "1.5", "m"]);
  });

  it("rejects commands that are not a non-empty array starting with a name", () => {
    for (const bad of [[], {}, "get k", [4, "k"], [""], ["set", "k", null], ["set", "k", ["v"]]]) {
      expect(httpError(() => parseCommand(bad)).status).toBe(400);
    }
    expect(httpError(() => parseCommand(["set", "k", null])).message).toBe(
      "ERR invalid request: argument 2 of the command is null; use a string or a number",
    );
  });

  it("validates pipeline bodies and names the offending command", () => {
    expect(
      parseCommandBatch([
        ["get", "a"],
        ["incr", "b"],
      ]),
    ).toEqual([
      ["get", "a"],
      ["incr", "b"],
    ]);
    expect(httpError(() => parseCommandBatch([])).status).toBe(400);
    expect(httpError(() => parseCommandBatch(["get", "a"])).message).toMatch(/command 1/);
    expect(httpError(() => parseCommandBatch([["get", "a"], [{}]])).message).toMatch(/command 2/);
  });
});

describe("encodeResult", () => {
  it("base64-encodes strings and leaves integers and nulls raw", () => {
    expect(encodeResult(Buffer.from("hello"), true)).toBe(b64("hello"));
    expect(encodeResult(42, true)).toBe(42);
    expect(encodeResult(null, true)).toBeNull();
  });

  it("keeps binary values byte-exact", () => {
    const bytes = Buffer.from([0, 255, 128, 10, 13]);
    expect(Buffer.from(encodeResult(bytes, true) as string, "base64")).toEqual(bytes);
  });

  it("leaves a top-level OK raw but encodes OK inside arrays", () => {
    // @upstash/redis special-cases a top-level "OK" only; inside arrays it base64-decodes all.
    expect(encodeResult(Buffer.from("OK"), true)).toBe("OK");
    expect(encodeResult([Buffer.from("OK")], true)).toEqual([b64("OK")]);
    expect(encodeResult(Buffer.from("PONG"), true)).toBe(b64("PONG"));
  });

  it("encodes nested arrays recursively, as in SCAN and XRANGE replies", () => {
    const scan = [Buffer.from("0"), [Buffer.from("a"), Buffer.from("b")]];
    expect(encodeResult(scan, true)).toEqual([b64("0"), [b64("a"), b64("b")]]);
    const xrange = [[Buffer.from("1-0"), [Buffer.from("f"), Buffer.from("v")]]];
    expect(encodeResult(xrange, true)).toEqual([[b64("1-0"), [b64("f"), b64("v")]]]);
    expect(encodeResult([1, null, Buffer.from("x")], true)).toEqual([1, null, b64("x")]);
  });

  it("returns UTF-8 text without the base64 header", () => {
    expect(encodeResult(Buffer.from("héllo"), false)).toBe("héllo");
    expect(encodeResult([Buffer.from("a"), 1], false)).toEqual(["a", 1]);
  });

  it("refuses reply types that RESP2 cannot produce", () => {
    expect(() => encodeResult({ a: 1 }, true)).toThrow(TypeError);
  });
});

describe("toOutcome", () => {
  it("maps a Redis error to {error} and anything else to {result}", () => {
    expect(toOutcome(new Error("ERR boom"), true)).toEqual({ error: "ERR boom" });
    expect(toOutcome(Buffer.from("v"), true)).toEqual({ result: b64("v") });
    expect(toOutcome(null, true)).toEqual({ result: null });
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PayloadTooLargeError } from "../shared/errors";
import { bodyBytes, sha256Hex } from "./body";

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe("bodyBytes", () => {
  it("decodes a base64 body exactly, all 256 byte values", () => {
    expect(bodyBytes(allBytes.toString("base64"), true, 1024).equals(allBytes)).toBe(true);
  });

  it("takes a text body as its UTF-8 bytes", () => {
    expect(bodyBytes("héllo", false, 1024).equals(Buffer.from("héllo", "utf8"))).toBe(true);
  });

  it("takes a missing body as empty", () => {
    expect(bodyBytes(null, false, 0)).toHaveLength(0);
  });

  it("refuses a body over the limit before decoding it", () => {
    expect(() => bodyBytes(Buffer.alloc(11).toString("base64"), true, 10)).toThrow(
      PayloadTooLargeError,
    );
    expect(() => bodyBytes("x".repeat(11), false, 10)).toThrow(/HASHER_MAX_BYTES/);
    expect(bodyBytes(Buffer.alloc(10).toString("base64"), true, 10)).toHaveLength(10);
  });
});

describe("sha256Hex", () => {
  it("matches node:crypto and the known digest of nothing", () => {
    expect(sha256Hex(allBytes)).toBe(createHash("sha256").update(allBytes).digest("hex"));
    expect(sha256Hex(new Uint8Array())).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});

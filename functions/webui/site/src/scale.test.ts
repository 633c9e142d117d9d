import { describe, expect, it } from "vitest";
import { parseReplicas, readToken, scaleOutcome, TOKEN_KEY, writeToken } from "./scale";

describe("the scale control", () => {
  it("accepts whole numbers only", () => {
    expect(parseReplicas(" 10 ")).toEqual({ ok: true, value: 10 });
    expect(parseReplicas("0")).toEqual({ ok: true, value: 0 });
    for (const bad of ["", "-1", "2.5", "1e3", "ten"]) expect(parseReplicas(bad).ok).toBe(false);
    expect(parseReplicas("99999999999999999999")).toEqual({
      ok: false,
      error: "That is too many workers.",
    });
  });

  it("puts each answer of PUT /workers in words", () => {
    expect(scaleOutcome(200, { desired: 10, previous: 1, issued: 9 })).toEqual({
      ok: true,
      message: "Desired workers set to 10 (was 1).",
    });
    expect(scaleOutcome(200, { desired: 3, previous: 3 }).message).toBe(
      "Desired workers set to 3.",
    );
    expect(scaleOutcome(200, null)).toEqual({ ok: true, message: "Scale request accepted." });
    expect(scaleOutcome(401, { error: "missing or wrong token" })).toEqual({
      ok: false,
      message: "Token refused: missing or wrong token. Check the token.",
    });
    expect(scaleOutcome(400, { error: "replicas must be 0 to 50" }).message).toBe(
      "replicas must be 0 to 50",
    );
    expect(scaleOutcome(404, null).ok).toBe(false);
    expect(scaleOutcome(503, { error: "Redis is unavailable" }).message).toBe(
      "Scaling failed (HTTP 503): Redis is unavailable.",
    );
  });

  it("keeps the token in the given storage, and survives storage that throws", () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    expect(readToken(storage)).toBe("");
    expect(writeToken(storage, "s3cret")).toBe(true);
    expect(map.get(TOKEN_KEY)).toBe("s3cret");
    expect(readToken(storage)).toBe("s3cret");
    writeToken(storage, "");
    expect(map.has(TOKEN_KEY)).toBe(false);
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
      removeItem: () => {},
    };
    expect(readToken(broken)).toBe("");
    expect(writeToken(broken, "x")).toBe(false);
    expect(readToken(undefined)).toBe("");
  });
});

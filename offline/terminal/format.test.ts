import { describe, expect, it } from "vitest";
import { classify, Palette } from "./format";

describe("classify", () => {
  it("attributes a function's structured line to the function", () => {
    const line = JSON.stringify({
      level: "info",
      source: "worker",
      msg: "4 units of work done",
      coins: [],
    });
    expect(classify(line, "offline")).toEqual({ source: "worker", text: "4 units of work done" });
  });

  it("marks warnings and errors and shows fields, errors by message", () => {
    const line = JSON.stringify({
      level: "warn",
      source: "worker",
      msg: "flush failed",
      err: { message: "down" },
      pending: 3,
    });
    expect(classify(line, "offline")).toEqual({
      source: "worker",
      text: 'WARN flush failed  err="down" pending=3',
    });
  });

  it("drops serverless-offline's per-request lines and blank lines", () => {
    expect(classify("GET /dev/rng/32 (λ: rng)", "offline")).toBeUndefined();
    expect(
      classify("(λ: rng) RequestId: abc  Duration: 101.2 ms  Billed Duration: 102 ms", "offline"),
    ).toBeUndefined();
    expect(classify("   ", "offline")).toBeUndefined();
  });

  it("keeps other lines, without colour codes, under the fallback source", () => {
    expect(classify("\u001b[32mServer ready\u001b[39m", "offline")).toEqual({
      source: "offline",
      text: "Server ready",
    });
    expect(classify('{"not": "ours"}', "offline")).toEqual({
      source: "offline",
      text: '{"not": "ours"}',
    });
  });
});

describe("classify: failure streaks", () => {
  it("reads a streak line's mark and keeps it out of the text", () => {
    const line = JSON.stringify({
      level: "warn",
      source: "worker",
      msg: "saving counts failed",
      err: { name: "Error", message: "Redis unreachable" },
      streak: { name: "redis", phase: "start" },
      instance: "worker-1",
    });
    expect(classify(line, "offline")).toEqual({
      source: "worker",
      text: 'WARN saving counts failed  err="Redis unreachable" instance=worker-1',
      streak: { name: "redis", phase: "start", instance: "worker-1" },
    });
  });
});

describe("Palette", () => {
  it("pads names into a column and gives each source its own colour", () => {
    const palette = new Palette(true);
    const rng = palette.prefix("rng");
    expect(palette.prefix("rng")).toBe(rng);
    expect(palette.prefix("hasher")).not.toBe(rng.replace("rng", "hasher"));
    expect(new Palette(false).prefix("rng")).toBe("rng        |");
  });
});

import { describe, expect, it } from "vitest";
import { StreakFolding, type StreakMark } from "./streaks";

const start = (instance: string): StreakMark => ({ name: "redis", phase: "start", instance });
const end = (instance: string): StreakMark => ({ name: "redis", phase: "end", instance });

describe("StreakFolding", () => {
  it("shows one start and one end per function and outage, whatever the instances", () => {
    const folding = new StreakFolding();
    const shown = [
      folding.admit("worker", start("a")),
      folding.admit("worker", start("b")),
      folding.admit("worker", start("c")),
      folding.admit("worker", end("b")),
      folding.admit("worker", end("a")),
      folding.admit("worker", end("c")),
    ];
    expect(shown).toEqual([true, false, false, true, false, false]);
  });

  it("keeps functions and kinds of failure apart", () => {
    const folding = new StreakFolding();
    expect(folding.admit("worker", start("a"))).toBe(true);
    expect(folding.admit("webui", start("x"))).toBe(true);
    expect(folding.admit("worker", { name: "rng", phase: "start", instance: "a" })).toBe(true);
  });

  it("shows the next outage again, even when an instance of the last one never recovered", () => {
    const folding = new StreakFolding();
    folding.admit("worker", start("a"));
    folding.admit("worker", start("gone")); // discarded (timeout) before it recovered
    expect(folding.admit("worker", end("a"))).toBe(true);
    expect(folding.admit("worker", start("a"))).toBe(true);
    expect(folding.admit("worker", start("b"))).toBe(false);
    expect(folding.admit("worker", end("b"))).toBe(true);
    expect(folding.admit("worker", end("a"))).toBe(false);
  });

  it("shows a recovery whose start it never saw", () => {
    expect(new StreakFolding().admit("webui", end("x"))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { DeathWindow } from "./supervisor";

describe("DeathWindow", () => {
  it("reaches the limit with that many deaths within the window", () => {
    const window = new DeathWindow(3, 60_000);
    expect(window.record(0)).toBe(false);
    expect(window.record(10_000)).toBe(false);
    expect(window.record(59_000)).toBe(true);
  });

  it("forgets deaths older than the window", () => {
    const window = new DeathWindow(3, 60_000);
    window.record(0);
    window.record(30_000);
    expect(window.record(61_000)).toBe(false); // the first is over a minute old
    expect(window.count).toBe(2);
    expect(window.record(62_000)).toBe(true);
  });
});

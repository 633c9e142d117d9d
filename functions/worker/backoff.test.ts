import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("doubles per failure between half and all of the ceiling", () => {
    expect(backoffDelay(1, 5_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 5_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 5_000, () => 1)).toBe(800);
  });

  it("is capped", () => {
    expect(backoffDelay(30, 5_000, () => 1)).toBe(5_000);
    expect(backoffDelay(30, 5_000, () => 0)).toBe(2_500);
  });
});

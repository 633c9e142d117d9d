import { describe, expect, it } from "vitest";
import { parseDesired, replicasNeedingTickets } from "./supervision";

describe("supervision", () => {
  it("tickets replicas with neither lease nor ticket, below the desired count", () => {
    expect(
      replicasNeedingTickets(4, [true, false, false, false], [false, true, false, false]),
    ).toEqual([2, 3]);
    expect(replicasNeedingTickets(0, [], [])).toEqual([]);
  });

  it("reads the desired count, falling back and capping", () => {
    expect(parseDesired(null, 1, 50)).toBe(1);
    expect(parseDesired("7", 1, 50)).toBe(7);
    expect(parseDesired("70", 1, 50)).toBe(50);
    expect(parseDesired("-3", 1, 50)).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { bucketIndex } from "../shared/latency";
import {
  emptyTally,
  isCoin,
  isEmpty,
  mergeInto,
  recordHash,
  recordLatency,
  totalHashes,
} from "./tally";

const bytes = Uint8Array.from([0xde, 0xad]);

describe("tally", () => {
  it("attributes each hash to the second it completed in", () => {
    const tally = emptyTally();
    recordHash(tally, 1_000_999, "ab", bytes);
    recordHash(tally, 1_001_000, "cd", bytes);
    recordHash(tally, 1_001_500, "ef", bytes);
    expect([...tally.hashesBySecond]).toEqual([
      [1000, 1],
      [1001, 2],
    ]);
    expect(totalHashes(tally)).toBe(3);
  });

  it("keeps coins (hashes starting with 0) with their bytes as hex", () => {
    const tally = emptyTally();
    recordHash(tally, 0, "0abc", bytes);
    recordHash(tally, 0, "1abc", bytes);
    expect([...tally.coins]).toEqual([["0abc", "dead"]]);
    expect(isCoin("0")).toBe(true);
  });

  it("sums latency per function and second, in microseconds", () => {
    const tally = emptyTally();
    recordLatency(tally, "rng", 5_000, 100.25);
    recordLatency(tally, "rng", 5_500, 99.75);
    expect(tally.latency.get("rng:5")).toMatchObject({
      fn: "rng",
      second: 5,
      count: 2,
      sumUs: 200_000,
    });
    expect(tally.latency.get("rng:5")?.buckets).toEqual(
      new Map([
        [bucketIndex(100.25), 1],
        [bucketIndex(99.75), 1],
      ]),
    );
  });

  it("merges a failed flush back without losing anything", () => {
    const kept = emptyTally();
    recordHash(kept, 1_000, "0a", bytes);
    recordLatency(kept, "hasher", 1_000, 1);
    const fresh = emptyTally();
    recordHash(fresh, 1_200, "b", bytes);
    mergeInto(fresh, kept);
    expect(totalHashes(fresh)).toBe(2);
    expect(fresh.coins.has("0a")).toBe(true);
    expect(fresh.latency.get("hasher:1")?.count).toBe(1);
    expect(fresh.latency.get("hasher:1")?.buckets.get(bucketIndex(1))).toBe(1);
    expect(isEmpty(emptyTally())).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { Logger } from "../shared/log";
import { type Clock, type CountStore, type MiningPorts, mineSlice } from "./mining";
import { type Tally, totalHashes } from "./tally";

/** A clock whose sleeps advance virtual time instantly, so a 10 s slice runs in milliseconds. */
function virtualClock(start = 1_000_000): Clock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const warnings: string[] = [];
const recording: Logger = { ...quiet, warn: (msg) => warnings.push(msg) };

function ports(clock: Clock & { t: number }, failWhile: () => boolean = () => false): MiningPorts {
  let n = 0;
  return {
    random: async (count) => {
      clock.t += 100; // the simulated delay inside rng
      if (failWhile()) throw new Error("rng down");
      return new Uint8Array(count).fill(n++ % 256);
    },
    hash: async () => {
      clock.t += 100;
      return n % 10 === 0 ? "0coin" : "1nothing";
    },
  };
}

const options = (clock: Clock, sliceMs: number) => ({
  delayMs: 100,
  randomBytes: 32,
  flushIntervalMs: 1_000,
  maxBackoffMs: 5_000,
  deadline: clock.now() + sliceMs,
  hardDeadline: clock.now() + sliceMs + 5_000,
});

/**
 * A store that records saved batches. `fail` decides per call whether the save fails before
 * applying ("down") or after applying with the reply lost ("reply-lost").
 */
function collectingStore(
  saved: Tally[],
  fail: () => "down" | "reply-lost" | false = () => false,
): CountStore {
  const applied = new Set<string>();
  return {
    async save(id, tally) {
      const failure = fail();
      if (failure === "down") throw new Error("redis down");
      saved.push(tally);
      applied.add(id);
      if (failure === "reply-lost") throw new Error("socket hang up");
      return { keepMining: true };
    },
    async wasSaved(id) {
      return applied.has(id);
    },
  };
}

describe("mineSlice", () => {
  it("mines at one loop per 0.3 s, as the original, flushing about once a second", async () => {
    const clock = virtualClock();
    const saved: Tally[] = [];
    const result = await mineSlice(
      ports(clock),
      clock,
      options(clock, 30_000),
      collectingStore(saved),
      quiet,
    );
    expect(result.hashes).toBe(100); // 30 s / 0.3 s
    expect(saved.reduce((sum, t) => sum + totalHashes(t), 0)).toBe(100);
    expect(saved.length).toBeGreaterThanOrEqual(25);
    expect(saved.length).toBeLessThanOrEqual(31);
    expect(saved.flatMap((t) => [...t.coins.keys()])).toContain("0coin");
  });

  it("keeps counts whose flush failed and saves them with the next one", async () => {
    const clock = virtualClock();
    const saved: Tally[] = [];
    let flushes = 0;
    const result = await mineSlice(
      ports(clock),
      clock,
      options(clock, 10_000),
      collectingStore(saved, () => (++flushes <= 3 ? "down" : false)),
      quiet,
    );
    expect(saved.reduce((sum, t) => sum + totalHashes(t), 0)).toBe(result.hashes);
    expect(result.hashes).toBe(34);
    expect(result.backlog.inDoubt).toBeUndefined();
    expect(totalHashes(result.backlog.pending)).toBe(0);
  });

  it("never applies a batch twice when the reply to a save was lost", async () => {
    const clock = virtualClock();
    const saved: Tally[] = [];
    let flushes = 0;
    const store = collectingStore(saved, () => (++flushes % 3 === 0 ? "reply-lost" : false));
    const result = await mineSlice(ports(clock), clock, options(clock, 10_000), store, quiet);
    expect(result.hashes).toBe(34);
    expect(saved.reduce((sum, t) => sum + totalHashes(t), 0)).toBe(34);
  });

  it("backs off while rng fails, logs once per streak, and resumes", async () => {
    const clock = virtualClock();
    const start = clock.t;
    warnings.length = 0;
    const saved: Tally[] = [];
    const down = () => clock.t - start > 2_000 && clock.t - start < 6_000;
    const result = await mineSlice(
      ports(clock, down),
      clock,
      options(clock, 10_000),
      collectingStore(saved),
      recording,
    );
    expect(warnings.filter((w) => w.startsWith("mining call failed"))).toHaveLength(1);
    expect(result.hashes).toBeGreaterThan(10); // 6 s healthy / 0.3 s, less the last backoff
    expect(result.hashes).toBeLessThan(30);
  });

  it("stops when a flush says so", async () => {
    const clock = virtualClock();
    const result = await mineSlice(
      ports(clock),
      clock,
      options(clock, 60_000),
      { save: async () => ({ keepMining: false }), wasSaved: async () => false },
      quiet,
    );
    expect(result.keepMining).toBe(false);
    expect(result.hashes).toBeLessThan(5);
  });

  it("hands back what it could not save by the hard deadline", async () => {
    const clock = virtualClock();
    const result = await mineSlice(
      ports(clock),
      clock,
      options(clock, 3_000),
      collectingStore([], () => "down"),
      quiet,
    );
    expect(result.hashes).toBe(0);
    expect(totalHashes(result.backlog.inDoubt?.tally ?? result.backlog.pending)).toBe(10);
  });
});

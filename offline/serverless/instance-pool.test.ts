import { describe, expect, it } from "vitest";
import { InstancePool } from "./instance-pool";

describe("InstancePool", () => {
  it("starts an instance per concurrent call and reuses warm ones, newest first", () => {
    const discarded: string[] = [];
    const pool = new InstancePool(1_000, (_fn, key) => discarded.push(key));
    const a = pool.take("rng");
    const b = pool.take("rng");
    expect([a.cold, b.cold]).toEqual([true, true]);
    expect(a.key).not.toBe(b.key);
    expect(pool.count("rng")).toBe(2);
    pool.giveBack("rng", a.key, 0);
    pool.giveBack("rng", b.key, 10);
    expect(pool.take("rng")).toEqual({ key: b.key, cold: false });
    expect(pool.count("rng")).toBe(2);
    expect(pool.count("hasher")).toBe(0);
    expect(discarded).toEqual([]);
  });

  it("drops instances idle for the idle time, and tells the host", () => {
    const discarded: string[] = [];
    const pool = new InstancePool(1_000, (_fn, key) => discarded.push(key));
    const a = pool.take("rng");
    const b = pool.take("rng");
    pool.giveBack("rng", a.key, 0);
    pool.giveBack("rng", b.key, 500);
    expect(pool.reap(999)).toBe(0);
    expect(pool.reap(1_000)).toBe(1);
    expect(discarded).toEqual([a.key]);
    expect(pool.count("rng")).toBe(1);
    expect(pool.reap(1_500)).toBe(1);
    expect(pool.count("rng")).toBe(0);
    expect(pool.take("rng").cold).toBe(true);
  });

  it("forgets an instance that is gone, and every instance after a reload", () => {
    const discarded: string[] = [];
    const pool = new InstancePool(1_000, (_fn, key) => discarded.push(key));
    const a = pool.take("worker");
    pool.drop("worker", a.key); // its sandbox dropped it already: nothing to discard
    expect(pool.count("worker")).toBe(0);
    const b = pool.take("worker");
    const c = pool.take("worker");
    pool.giveBack("worker", b.key, 0);
    pool.clear();
    // The sandbox frees the idle one now; c still runs its call on its module scope.
    expect([pool.count("worker"), discarded]).toEqual([1, [b.key]]);
    pool.giveBack("worker", c.key, 0); // old code: discarded, not reused
    expect([pool.count("worker"), discarded]).toEqual([0, [b.key, c.key]]);
    expect(pool.take("worker").cold).toBe(true);
  });
});

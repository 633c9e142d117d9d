import { describe, expect, it } from "vitest";
import { Semaphore } from "./concurrency";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Semaphore", () => {
  it("lets `limit` holders in and queues the rest first come, first served", async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const releaseA = await semaphore.acquire();
    const b = semaphore.acquire().then((release) => {
      order.push("b");
      return release;
    });
    const c = semaphore.acquire().then((release) => {
      order.push("c");
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    expect(semaphore.queued).toBe(2);
    releaseA();
    (await b)();
    (await c)();
    expect(order).toEqual(["b", "c"]);
    expect(semaphore.queued).toBe(0);
  });
});

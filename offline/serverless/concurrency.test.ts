import { describe, expect, it } from "vitest";
import { gateInstances, Semaphore } from "./concurrency";

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

/** A stand-in with serverless-offline's LambdaFunction surface (status, setEvent, runHandler). */
class FakeLambdaFunction {
  static running = 0;
  static peak = 0;
  #status = "IDLE";
  event: unknown;
  constructor(readonly functionName: string) {}
  get status() {
    return this.#status;
  }
  setEvent(event: unknown) {
    this.event = event;
  }
  async runHandler() {
    this.#status = "BUSY";
    FakeLambdaFunction.running += 1;
    FakeLambdaFunction.peak = Math.max(FakeLambdaFunction.peak, FakeLambdaFunction.running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    FakeLambdaFunction.running -= 1;
    this.#status = "IDLE";
    return this.event;
  }
}

describe("gateInstances", () => {
  gateInstances(
    FakeLambdaFunction.prototype,
    new Map([
      ["rng", 2],
      ["off", 0],
    ]),
  );

  it("runs at most the reserved number of instances at once, and every call completes", async () => {
    const calls = Array.from({ length: 6 }, (_, i) => {
      const fn = new FakeLambdaFunction("rng");
      fn.setEvent(i);
      expect(fn.status).toBe("BUSY"); // claimed before it runs: the pool will not reuse it
      return fn.runHandler();
    });
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(FakeLambdaFunction.peak).toBe(2);
  });

  it("leaves functions without a limit alone and rejects a limit of 0", async () => {
    const free = new FakeLambdaFunction("other");
    free.setEvent("x");
    expect(await free.runHandler()).toBe("x");
    expect(free.status).toBe("IDLE");
    const off = new FakeLambdaFunction("off");
    off.setEvent("y");
    await expect(off.runHandler()).rejects.toThrow(/reservedConcurrency is 0/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FunctionSpec, startFunctionRunner } from "./function-runner";
import { LambdaTimeoutError } from "./lambda-errors";
import { carryCallsTo, type LambdaFunctionSurface } from "./lambda-function-surface";

const codeDir = mkdtempSync(join(tmpdir(), "function-runner-"));
afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

/** A bundle as serverless-esbuild writes one: CommonJS, module state, reading process.env. */
writeFileSync(
  join(codeDir, "state.js"),
  `"use strict";
const id = Math.random().toString(36).slice(2);
let calls = 0;
exports.handler = async (event) => {
  calls += 1;
  if (event?.wait) await new Promise((resolve) => setTimeout(resolve, event.wait));
  if (event?.hang) await new Promise(() => {});
  return { id, calls, colour: process.env.COLOUR };
};
exports.callback = (event, context, callback) => callback(null, context.functionName);`,
);
writeFileSync(join(codeDir, "broken.js"), `throw new Error("BROKEN_SETTING is required");`);

/** The public surface of serverless-offline's LambdaFunction, as its pool and callers use it. */
class FakeLambdaFunction {
  constructor(readonly functionName: string) {}
}
type Fn = FakeLambdaFunction & LambdaFunctionSurface;

const spec = (name: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  handler: "state.handler",
  timeoutMs: 300,
  memorySize: 128,
  region: "us-east-1",
  env: { COLOUR: name },
  reservedConcurrency: undefined,
  key: name,
  ...overrides,
});

const functions = new Map(
  [
    spec("red"),
    spec("blue"),
    spec("one-at-a-time", { reservedConcurrency: 1 }),
    spec("off", { reservedConcurrency: 0 }),
    spec("callback", { handler: "state.callback" }),
    spec("broken", { handler: "broken.handler" }),
    spec("short-lived"),
  ].map((s) => [s.name, s]),
);
/** Instances idle this long are dropped (serverless-offline's terminateIdleLambdaTime). */
const IDLE_MS = 1_000;
const runner = startFunctionRunner(functions, codeDir, { idleMs: IDLE_MS, log: () => {} });
carryCallsTo(FakeLambdaFunction.prototype as unknown as LambdaFunctionSurface, runner);
afterAll(() => runner.close());
const instance = (name: string) => new FakeLambdaFunction(name) as Fn;

async function run(fn: Fn, event: unknown = {}) {
  fn.setEvent(event);
  return (await fn.runHandler()) as { id: string; calls: number; colour: string };
}

const figures = (name: string) => {
  const state = runner.functionStates().find((s) => s.name === name);
  if (!state) throw new Error(`no function ${name}`);
  const now = Date.now();
  const w = state.window;
  return {
    instances: state.instances,
    waiting: state.waiting,
    busy: w.busy,
    coldStarts: w.coldStartsTotal,
    waits: w.sum("waits", now, 60),
    throttles: w.sum("throttles", now, 60),
    errors: w.sum("errors", now, 60),
    timeouts: w.sum("timeouts", now, 60),
    invocations: w.sum("invocations", now, 60),
  };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the local function runner", () => {
  it("gives each concurrent call an instance of its own, whose module state stays warm", async () => {
    const [first, second] = await Promise.all([
      run(instance("red"), { wait: 30 }),
      run(instance("red"), { wait: 30 }),
    ]);
    expect(first?.id).not.toBe(second?.id);
    expect([first?.calls, second?.calls]).toEqual([1, 1]);
    // One after another, calls reuse a warm instance, whichever carrier brings them.
    const third = await run(instance("red"));
    expect([first?.id, second?.id]).toContain(third.id);
    expect(third.calls).toBe(2);
    expect(figures("red")).toMatchObject({ instances: 2, coldStarts: 2, invocations: 3, busy: 0 });
  });

  it("gives each function its own environment", async () => {
    expect((await run(instance("red"))).colour).toBe("red");
    expect((await run(instance("blue"))).colour).toBe("blue");
  });

  it("is busy from the moment the pool hands it an event until the invocation ends", async () => {
    const fn = instance("red");
    expect(fn.status).toBe("IDLE");
    fn.setEvent({ wait: 20 });
    expect(fn.status).toBe("BUSY");
    await fn.runHandler();
    expect(fn.status).toBe("IDLE");
  });

  it("runs at most reservedConcurrency instances at once; the others wait their turn", async () => {
    const started = Date.now();
    const calls = [0, 1, 2].map(() => run(instance("one-at-a-time"), { wait: 50 }));
    await sleep(10);
    expect(figures("one-at-a-time")).toMatchObject({ busy: 1, waiting: 2, instances: 1 });
    const results = await Promise.all(calls);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // 3 × 50 ms, one after another
    // One instance served the three calls: the waiting ones had none.
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(figures("one-at-a-time")).toMatchObject({ instances: 1, coldStarts: 1, waits: 2 });
    await expect(run(instance("off"))).rejects.toThrow(/reservedConcurrency is 0/);
    expect(figures("off")).toMatchObject({ throttles: 1, instances: 0, invocations: 0 });
  });

  it("fails a timed-out invocation with serverless-offline's 504, frees its slot, discards it", async () => {
    const fn = instance("one-at-a-time");
    const before = await run(fn);
    await expect(run(fn, { hang: true })).rejects.toBeInstanceOf(LambdaTimeoutError);
    await expect(run(fn, { hang: true })).rejects.toThrow("[504] - Lambda timeout.");
    const after = await run(fn);
    expect(after.id).not.toBe(before.id);
    expect(after.calls).toBe(1);
    expect(figures("one-at-a-time")).toMatchObject({ timeouts: 2, waiting: 0, instances: 1 });
  });

  it("passes a Lambda context, and supports callback-style handlers", async () => {
    expect(await run(instance("callback"))).toBe("callback");
  });

  it("reports an init error, and tries a fresh instance at the next call", async () => {
    const fn = instance("broken");
    await expect(run(fn)).rejects.toThrow("BROKEN_SETTING is required");
    await expect(run(fn)).rejects.toThrow("BROKEN_SETTING is required");
    expect(figures("broken")).toMatchObject({ coldStarts: 2, errors: 2, instances: 0 });
  });

  it("counts as cold starts exactly the module scopes the sandboxes created", async () => {
    const stats = await runner.sandboxStats();
    for (const state of runner.functionStates()) {
      expect(state.window.coldStartsTotal).toBe(stats.modulesLoaded[state.name] ?? 0);
    }
    expect(stats.instances).toBe(
      runner.functionStates().reduce((sum, state) => sum + state.instances, 0),
    );
  });

  it("collects each sandbox's garbage when asked (GET /local-cloud/stats?gc=1)", async () => {
    await run(instance("red")); // a sandbox, with what loading and one call left behind
    const before = await runner.sandboxStats();
    const after = await runner.sandboxStats(true);
    expect(after.instances).toBe(before.instances);
    expect(after.heapUsed).toBeGreaterThan(0);
    expect(after.heapUsed).toBeLessThan(before.heapUsed);
  });

  it("drops instances idle for the idle time: the next call is cold", async () => {
    const first = await run(instance("short-lived"));
    expect(figures("short-lived").instances).toBe(1);
    await sleep(IDLE_MS + 1_500);
    expect(figures("short-lived").instances).toBe(0);
    const next = await run(instance("short-lived"));
    expect(next.id).not.toBe(first.id);
    expect(figures("short-lived")).toMatchObject({ coldStarts: 2, instances: 1 });
  });

  it("starts fresh instances after a reload (new code), even for warm ones", async () => {
    const fn = instance("blue");
    const warm = await run(fn);
    runner.reload();
    expect((await run(fn)).id).not.toBe(warm.id);
  });

  it("lets a call running at a reload end on its old module scope, then drops that scope", async () => {
    // A runner of its own: its sandbox's instance count is this function's alone.
    const reloaded = spec("reloaded", { timeoutMs: 5_000 });
    const own = startFunctionRunner(new Map([[reloaded.name, reloaded]]), codeDir, {
      idleMs: 60_000,
      log: () => {},
    });
    try {
      const call = (event: unknown = {}) =>
        own.run(reloaded.name, event, undefined) as Promise<{ id: string; calls: number }>;
      const instances = () => own.functionStates()[0]?.instances;
      const warm = await call();
      const running = call({ wait: 1_000 }); // takes the warm instance
      await sleep(100);
      own.reload();
      expect((await call()).id).not.toBe(warm.id);
      // The running call's scope is still in the sandbox (it counts for the memory cap).
      expect([instances(), (await own.sandboxStats()).instances]).toEqual([2, 2]);
      expect(await running).toMatchObject({ id: warm.id, calls: 2 });
      // Its call ended: the pool discarded it in the sandbox as well.
      expect([instances(), (await own.sandboxStats()).instances]).toEqual([1, 1]);
    } finally {
      await own.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type FunctionSpec,
  installFunctionRunner,
  type LambdaFunctionSurface,
} from "./function-runner";
import { LambdaTimeoutError } from "./host-client";

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
  ].map((s) => [s.name, s]),
);
const runner = installFunctionRunner(
  FakeLambdaFunction.prototype as unknown as LambdaFunctionSurface,
  functions,
  codeDir,
  () => {},
);
afterAll(() => runner.close());
const instance = (name: string) => new FakeLambdaFunction(name) as Fn;

async function run(fn: Fn, event: unknown = {}) {
  fn.setEvent(event);
  return (await fn.runHandler()) as { id: string; calls: number; colour: string };
}

describe("the local function runner", () => {
  it("gives each instance its own module state, kept while it is warm", async () => {
    const a = instance("red");
    const b = instance("red");
    const first = await run(a);
    expect((await run(a)).calls).toBe(2);
    expect((await run(a)).id).toBe(first.id);
    const other = await run(b);
    expect(other.id).not.toBe(first.id);
    expect(other.calls).toBe(1);
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
    const results = await Promise.all(
      [0, 1, 2].map(() => run(instance("one-at-a-time"), { wait: 50 })),
    );
    expect(results).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // 3 × 50 ms, one after another
    await expect(run(instance("off"))).rejects.toThrow(/reservedConcurrency is 0/);
  });

  it("fails a timed-out invocation with serverless-offline's 504, frees its slot, discards it", async () => {
    const fn = instance("one-at-a-time");
    const before = await run(fn);
    await expect(run(fn, { hang: true })).rejects.toBeInstanceOf(LambdaTimeoutError);
    await expect(run(fn, { hang: true })).rejects.toThrow("[504] - Lambda timeout.");
    const after = await run(fn);
    expect(after.id).not.toBe(before.id);
    expect(after.calls).toBe(1);
    expect(runner.semaphores.get("one-at-a-time")?.queued).toBe(0);
  });

  it("passes a Lambda context, and supports callback-style handlers", async () => {
    expect(await run(instance("callback"))).toBe("callback");
  });

  it("reports an init error, and tries a fresh instance at the next call", async () => {
    const fn = instance("broken");
    await expect(run(fn)).rejects.toThrow("BROKEN_SETTING is required");
    const starts = runner.coldStarts.get("broken");
    await expect(run(fn)).rejects.toThrow("BROKEN_SETTING is required");
    expect(runner.coldStarts.get("broken")).toBe((starts ?? 0) + 1);
  });

  it("starts fresh instances after a reload (new code), even for warm ones", async () => {
    const fn = instance("blue");
    const warm = await run(fn);
    runner.reload();
    expect((await run(fn)).id).not.toBe(warm.id);
  });
});

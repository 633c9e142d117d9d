/**
 * A learner's bug costs its own function only, as on Lambda: the runner with real sandboxes
 * (a worker thread per function) and a bundle that can be told to misbehave. Each bug fails the
 * invocation with Lambda's error type, the function's next call starts a fresh instance, and an
 * instance of another function, warm before, is still warm after. A crash costs its instance
 * only: a second instance of the same function, warm before, is still warm after.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FunctionSpec, startFunctionRunner } from "./function-runner";
import { type FunctionError, LambdaTimeoutError } from "./lambda-errors";

const codeDir = mkdtempSync(join(tmpdir(), "sandbox-failures-"));
afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

writeFileSync(
  join(codeDir, "bugs.js"),
  `"use strict";
const id = Math.random().toString(36).slice(2);
const kept = [];
exports.handler = async (event) => {
  if (event?.wait) await new Promise((r) => setTimeout(r, event.wait));
  switch (event?.bug) {
    case "exit": process.exit(3);
    case "async-throw": setTimeout(() => { throw new TypeError("async bug"); }, 1); await new Promise((r) => setTimeout(r, 200)); break;
    case "rejection": Promise.reject(new RangeError("nobody catches this")); await new Promise((r) => setTimeout(r, 200)); break;
    case "buffers": for (let i = 0; i < 40; i += 1) { kept.push(Buffer.alloc(8e6, 1)); await new Promise((r) => setTimeout(r, 20)); } break;
    case "heap": for (;;) { kept.push(new Array(1e5).fill(id)); if (kept.length % 50 === 0) await new Promise((r) => setImmediate(r)); }
    case "spin": for (;;) {}
  }
  return { id };
};`,
);

const spec = (name: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  handler: "bugs.handler",
  timeoutMs: 3_000,
  memorySize: 64,
  region: "us-east-1",
  env: {},
  reservedConcurrency: undefined,
  key: name,
  ...overrides,
});
const functions = new Map([spec("buggy"), spec("bystander")].map((s) => [s.name, s]));
const lines: string[] = [];
const runner = startFunctionRunner(functions, codeDir, {
  idleMs: 60_000,
  log: (line) => lines.push(line),
});
afterAll(() => runner.close());

const call = (name: string, event: unknown = {}) =>
  runner.run(name, event, undefined) as Promise<{ id: string }>;
const failure = async (event: unknown): Promise<FunctionError> => {
  try {
    await call("buggy", event);
  } catch (err) {
    return err as FunctionError;
  }
  throw new Error("the invocation did not fail");
};
const stateOf = (name: string) => {
  const state = runner.functionStates().find((s) => s.name === name);
  if (!state) throw new Error(`no function ${name}`);
  return state;
};

describe.each([
  ["process.exit", "exit", "Runtime.ExitError", /Runtime exited with error: exit status 3/],
  ["an uncaught exception from a timer", "async-throw", "TypeError", /async bug/],
  [
    "an unhandled rejection",
    "rejection",
    "Runtime.UnhandledPromiseRejection",
    /RangeError: nobody catches this/,
  ],
  ["Buffers past memorySize", "buffers", "Runtime.OutOfMemory", /signal: killed/],
  ["a heap past memorySize", "heap", "Runtime.OutOfMemory", /signal: killed/],
])("%s in one instance", (_what, bug, errorType, message) => {
  it(`fails that invocation with ${errorType}; other functions go on`, async () => {
    const bystander = await call("bystander");
    const before = await call("buggy");
    const coldBefore = stateOf("bystander").window.coldStartsTotal;
    const err = await failure({ bug });
    expect(err.errorType).toBe(errorType);
    // serverless-offline reports the constructor's name as the errorType, and answers 502.
    expect(err.constructor.name).toBe(errorType);
    expect(err.message).toMatch(message);
    const after = await call("buggy");
    expect(after.id).not.toBe(before.id); // a fresh instance
    expect((await call("bystander")).id).toBe(bystander.id); // still warm
    expect(stateOf("bystander").window.coldStartsTotal).toBe(coldBefore);
    expect(stateOf("buggy").instances).toBe(1);
  });
});

describe("memory", () => {
  it("counts out-of-memory kills and reports the largest memory an instance used", async () => {
    const now = Date.now();
    const buggy = stateOf("buggy").window;
    expect(buggy.sum("outOfMemory", now, 60)).toBe(2);
    // Past 64 MB before the kill: the heap's limit or the watch's sample above it.
    expect(buggy.maxMemory(now, 60)).toBeGreaterThan(60 * 2 ** 20);
    const bystander = stateOf("bystander").window.maxMemory(now, 60) ?? 0;
    expect(bystander).toBeGreaterThan(2 ** 20);
    expect(bystander).toBeLessThan(64 * 2 ** 20);
    expect(lines.join("\n")).toMatch(
      /buggy: its sandbox ended, and every instance of it \(Runtime.OutOfMemory/,
    );
  });
});

describe.each([
  ["process.exit", "exit"],
  ["an uncaught exception", "async-throw"],
  ["an unhandled rejection", "rejection"],
])("%s in one of two instances of a function", (_what, bug) => {
  it("ends that instance only: the other, busy meanwhile, answers and stays warm", async () => {
    const [first, second] = await Promise.all([
      call("buggy", { wait: 50 }),
      call("buggy", { wait: 50 }),
    ]);
    const busy = call("buggy", { wait: 400 }); // takes one of the two
    await expect(call("buggy", { bug })).rejects.toThrow(); // the other
    const survivor = await busy;
    expect([first?.id, second?.id]).toContain(survivor.id);
    expect((await call("buggy")).id).toBe(survivor.id); // still warm
  });
});

describe("a loop that never yields", () => {
  it("times out; meanwhile and after, the other function answers from its warm instance", async () => {
    const bystander = await call("bystander");
    const spinning = call("buggy", { bug: "spin" });
    spinning.catch(() => undefined);
    expect((await call("bystander")).id).toBe(bystander.id); // while the loop blocks its thread
    await expect(spinning).rejects.toBeInstanceOf(LambdaTimeoutError);
    expect((await call("bystander")).id).toBe(bystander.id);
    expect(stateOf("buggy").window.sum("timeouts", Date.now(), 60)).toBe(1);
  });
});

/**
 * How the local cloud runs the functions: each instance in a sandbox of its own (sandbox.ts, a
 * worker thread with its own V8 isolate, its heap capped at the function's memorySize), as
 * Lambda runs each execution environment in a sandbox of its own. A learner's bug therefore
 * costs what it costs on Lambda: `process.exit`, an uncaught exception or unhandled rejection,
 * memory past memorySize, or a loop that never yields fail that instance's invocation with
 * Lambda's error (lambda-errors.ts) and end that instance only; its function's next call
 * starts a fresh one (a cold start), and every other instance goes on.
 *
 * What stays as on Lambda:
 * - an instance runs one invocation at a time; a call that gets its concurrency slot takes an
 *   idle instance or starts one (a cold start), and instances idle for `terminateIdleLambdaTime`
 *   are stopped (instance-pool.ts);
 * - module state belongs to one instance, the environment to one function;
 * - `reservedConcurrency` caps the instances running at once (over the cap, calls wait: see
 *   concurrency.ts), and 0 throttles;
 * - the function's `timeout` is enforced: a timed-out invocation fails with serverless-
 *   offline's own "[504] - Lambda timeout.", frees its concurrency slot at once, and its
 *   sandbox is stopped (blocked or not), so the next call starts a fresh one.
 *
 * Every call is measured for the cloud report (offline/cloud/): cold starts, waits, throttles,
 * outcomes, durations, concurrency and memory, a few typed-array cells per call
 * (function-window.ts).
 */
import { randomUUID } from "node:crypto";
import { FunctionWindow, type Outcome } from "../cloud/function-window";
import type { FunctionState } from "../cloud/local-report";
import { Semaphore, ThrottledError } from "./concurrency";
import { InstancePool } from "./instance-pool";
import { FunctionError, LambdaTimeoutError, OUT_OF_MEMORY } from "./lambda-errors";
import { Sandbox } from "./sandbox";
import type { SandboxedFunction, SandboxStats } from "./sandbox-protocol";

/** What the runner needs to know of one function (read from the service definition). */
export interface FunctionSpec extends SandboxedFunction {
  /** Its key in serverless.yml (rng), where `name` is the deployed name. */
  key: string;
  reservedConcurrency: number | undefined;
}

/** What invoking a function produced: its return value, or why it failed. */
export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

export interface RunnerOptions {
  /** serverless-offline's `terminateIdleLambdaTime`, in ms: idle instances are dropped after it. */
  idleMs: number;
  log: (line: string) => void;
}

/** Every sandbox's isolate figures added up, with the sandboxes started per function. */
export interface SandboxTotals extends Omit<SandboxStats, "maxMemoryUsed"> {
  instances: number;
  /** Sandboxes started per function name: the runner's cold starts, counted where they begin. */
  sandboxesStarted: Record<string, number>;
}

/** How often idle instances are looked for: they go within this much after the idle time. */
const REAP_INTERVAL_MS = 1_000;
/** How long a sandbox has to answer a stats ping. */
const STATS_TIMEOUT_MS = 1_000;

export interface FunctionRunner {
  /** One invocation, on whichever path it came: its result, or the error Lambda would give. */
  run(functionName: string, event: unknown, clientContext: unknown): Promise<unknown>;
  /**
   * Invokes a function as AWS's event sources call the Invoke API (the SQS poller, the
   * supervisor's kick): same instances' rules, same concurrency limits, same timeout.
   */
  invoke(functionName: string, payload: unknown): Promise<InvokeOutcome>;
  /** Every function's instances, waiting calls and measured window, for the cloud report. */
  functionStates(): FunctionState[];
  /** New code: every instance's next invocation starts in a fresh sandbox (a cold start). */
  reload(): void;
  /** Every sandbox's heap, memory and handles, added up. */
  sandboxStats(): Promise<SandboxTotals>;
  close(): Promise<void>;
}

export function startFunctionRunner(
  functions: Map<string, FunctionSpec>,
  codeDir: string,
  options: RunnerOptions,
): FunctionRunner {
  const sandboxes = new Map<string, Sandbox>();
  const instances = new InstancePool(options.idleMs, (key) => {
    void sandboxes.get(key)?.stop();
    sandboxes.delete(key);
  });
  const reaper = setInterval(() => instances.reap(performance.now()), REAP_INTERVAL_MS);
  reaper.unref();
  const windows = new Map<string, FunctionWindow>();
  const semaphores = new Map<string, Semaphore>();
  const started: Record<string, number> = {};
  for (const spec of functions.values()) {
    windows.set(spec.name, new FunctionWindow());
    if (spec.reservedConcurrency !== undefined && spec.reservedConcurrency > 0) {
      semaphores.set(spec.name, new Semaphore(spec.reservedConcurrency));
    }
  }
  const windowOf = (spec: FunctionSpec) => windows.get(spec.name) as FunctionWindow;

  /** A sandbox that ended on its own: forgotten, said in the strip, a memory kill counted. */
  const ended = (
    spec: FunctionSpec,
    key: string,
    sandbox: Sandbox,
    cause: FunctionError | undefined,
  ) => {
    windowOf(spec).memory(Date.now(), sandbox.maxMemoryUsed);
    if (sandboxes.get(key) !== sandbox) return; // stopped on purpose
    sandboxes.delete(key);
    instances.drop(spec.name, key);
    if (!cause) return;
    if (cause.errorType === OUT_OF_MEMORY) windowOf(spec).count("outOfMemory", Date.now());
    options.log(
      `${spec.key}: an instance ended (${cause.errorType}: ${cause.message}); its next call starts a fresh one, nothing else is touched`,
    );
  };

  const sandboxFor = (spec: FunctionSpec, key: string): Sandbox => {
    let sandbox = sandboxes.get(key);
    if (!sandbox) {
      started[spec.name] = (started[spec.name] ?? 0) + 1;
      const created = new Sandbox(spec, codeDir, (s, cause) => ended(spec, key, s, cause));
      sandboxes.set(key, created);
      sandbox = created;
    }
    return sandbox;
  };

  const specOf = (name: string): FunctionSpec => {
    const spec = functions.get(name);
    if (!spec) throw new Error(`the local cloud knows no function named ${name}`);
    return spec;
  };

  const run = async (functionName: string, event: unknown, clientContext: unknown) => {
    const spec = specOf(functionName);
    const window = windowOf(spec);
    if (spec.reservedConcurrency === 0) {
      window.count("throttles", Date.now());
      throw new ThrottledError(`${spec.name} is throttled: its reservedConcurrency is 0`);
    }
    const semaphore = semaphores.get(spec.name);
    if (semaphore?.full) window.count("waits", Date.now());
    const release = await semaphore?.acquire();
    const instance = instances.take(spec.name);
    if (instance.cold) window.count("coldStarts", Date.now());
    const sandbox = sandboxFor(spec, instance.key);
    window.begin(Date.now());
    const startedAt = performance.now();
    let outcome: Outcome = "error";
    let keep = false;
    try {
      const { result } = await sandbox.invoke(randomUUID(), event, clientContext);
      outcome = "ok";
      keep = true;
      return result;
    } catch (err) {
      if (err instanceof LambdaTimeoutError) outcome = "timeout";
      keep = err instanceof FunctionError && !err.endsInstance;
      throw err;
    } finally {
      const endedAt = performance.now();
      window.end(Date.now(), endedAt - startedAt, outcome);
      window.memory(Date.now(), sandbox.maxMemoryUsed);
      if (keep && sandbox.alive) instances.giveBack(spec.name, instance.key, endedAt);
      else {
        instances.drop(spec.name, instance.key);
        if (sandboxes.get(instance.key) === sandbox) sandboxes.delete(instance.key);
        void sandbox.stop();
      }
      release?.();
    }
  };

  const invoke = async (functionName: string, payload: unknown): Promise<InvokeOutcome> => {
    if (!functions.has(functionName)) {
      return { ok: false, error: `ResourceNotFoundException: no function named ${functionName}` };
    }
    try {
      return { ok: true, response: (await run(functionName, payload, undefined)) ?? null };
    } catch (err) {
      return {
        ok: false,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      };
    }
  };

  const sandboxStats = async (): Promise<SandboxTotals> => {
    const all = await Promise.all([...sandboxes.values()].map((s) => s.stats(STATS_TIMEOUT_MS)));
    const totals: SandboxTotals = {
      heapUsed: 0,
      heapTotal: 0,
      external: 0,
      instances: sandboxes.size,
      sandboxesStarted: { ...started },
      resources: {},
    };
    for (const stats of all) {
      if (!stats) continue;
      totals.heapUsed += stats.heapUsed;
      totals.heapTotal += stats.heapTotal;
      totals.external += stats.external;
      for (const [name, count] of Object.entries(stats.resources)) {
        totals.resources[name] = (totals.resources[name] ?? 0) + count;
      }
    }
    return totals;
  };

  return {
    run,
    invoke,
    functionStates: () =>
      [...functions.values()].map((spec) => ({
        key: spec.key,
        name: spec.name,
        limit: spec.reservedConcurrency,
        memorySize: spec.memorySize,
        instances: instances.count(spec.name),
        waiting: semaphores.get(spec.name)?.queued ?? 0,
        window: windowOf(spec),
      })),
    reload: () => instances.clear(),
    sandboxStats,
    close: async () => {
      clearInterval(reaper);
      const all = [...sandboxes.values()];
      sandboxes.clear();
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}

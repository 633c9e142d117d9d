/**
 * How the local cloud runs the functions: each function in a sandbox of its own (sandbox.ts:
 * a worker thread, its own V8 isolate), each instance a module scope in it. A learner's bug
 * costs what it costs on Lambda, or close: `process.exit`, an uncaught exception or an
 * unhandled rejection fail that instance's invocation with Lambda's error (lambda-errors.ts)
 * and end that instance only; memory past memorySize and a loop that never yields end the
 * function's sandbox, so every instance of that function (one, for rng at its limit of 1) and
 * nothing else. The function's next call starts fresh (a cold start); the other functions
 * never notice. Why a sandbox per function and not per instance (Lambda's unit): an isolate
 * per instance cost 60 % more CPU per hash and 470 MiB at 4 replicas (docs/reliability.md).
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
 *   instance is discarded (a sandbox it blocked is stopped), so the next call starts fresh.
 *
 * Every call is measured for the cloud report (offline/cloud/): cold starts, waits, throttles,
 * outcomes, durations, concurrency and memory, a few typed-array cells per call
 * (function-window.ts).
 */
import { randomUUID } from "node:crypto";
import { FunctionWindow, type Outcome } from "../cloud/function-window";
import type { FunctionState } from "../cloud/local-report";
import type { Invoke } from "../contracts";
import { Semaphore, ThrottledError } from "./concurrency";
import { describeFaults, parseInjectedFaults } from "./fault-injection";
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

export interface RunnerOptions {
  /** serverless-offline's `terminateIdleLambdaTime`, in ms: idle instances are dropped after it. */
  idleMs: number;
  log: (line: string) => void;
  /** LOCAL_CLOUD_INJECT_FAULT: bugs to put into functions (fault-injection.ts); none if unset. */
  injectFault?: string | undefined;
}

/** Every sandbox's isolate figures added up, with the sandboxes started per function. */
export interface SandboxTotals extends Omit<SandboxStats, "modulesLoaded"> {
  sandboxes: number;
  /**
   * Module scopes each function's sandboxes created, by function name: the cold starts the
   * sandboxes saw, independent of the runner's count (tests compare the two).
   */
  modulesLoaded: Record<string, number>;
}

/** How often idle instances are looked for: they go within this much after the idle time. */
const REAP_INTERVAL_MS = 1_000;

export interface FunctionRunner {
  /** One invocation, on whichever path it came: its result, or the error Lambda would give. */
  run(functionName: string, event: unknown, clientContext: unknown): Promise<unknown>;
  /**
   * Invokes a function as AWS's event sources call the Invoke API (the SQS poller, the
   * supervisor's kick): same instances' rules, same concurrency limits, same timeout.
   */
  invoke: Invoke;
  /** Every function's instances, waiting calls and measured window, for the cloud report. */
  functionStates(): FunctionState[];
  /**
   * New code: every instance's next invocation starts in a fresh module scope (a cold start);
   * an instance running a call finishes it on the old code, then goes.
   */
  reload(): void;
  /** Every sandbox's heap, memory and handles, added up (after a full GC in each, with `gc`). */
  sandboxStats(gc?: boolean): Promise<SandboxTotals>;
  close(): Promise<void>;
}

export function startFunctionRunner(
  functions: Map<string, FunctionSpec>,
  codeDir: string,
  options: RunnerOptions,
): FunctionRunner {
  /** Each function's sandbox, by name, while it has instances. */
  const sandboxes = new Map<string, Sandbox>();
  /** Module scopes of sandboxes that have ended, by function name (SandboxTotals). */
  const loadedBefore: Record<string, number> = {};
  const instances = new InstancePool(options.idleMs, (name, key) =>
    sandboxes.get(name)?.discard(key),
  );
  const windows = new Map<string, FunctionWindow>();
  const semaphores = new Map<string, Semaphore>();
  for (const spec of functions.values()) {
    windows.set(spec.name, new FunctionWindow());
    if (spec.reservedConcurrency !== undefined && spec.reservedConcurrency > 0) {
      semaphores.set(spec.name, new Semaphore(spec.reservedConcurrency));
    }
  }
  const windowOf = (spec: FunctionSpec) => windows.get(spec.name) as FunctionWindow;
  const keys = [...functions.values()].map((spec) => spec.key);
  const faults = parseInjectedFaults(options.injectFault, keys);
  if (faults.length > 0) options.log(`INJECTED FAULTS: ${describeFaults(faults)}`);
  const say = (spec: FunctionSpec, what: string, cause: FunctionError) =>
    options.log(
      `${spec.key}: ${what} (${cause.errorType}: ${cause.message}); its next call starts fresh, no other function is touched`,
    );

  /** A function with no instance left needs no sandbox: scale to zero frees its isolate. */
  const reap = () => {
    instances.reap(performance.now());
    for (const [name, sandbox] of sandboxes) {
      if (instances.count(name) === 0 && sandbox.busy === 0) {
        sandboxes.delete(name);
        void sandbox.stop();
      }
    }
  };
  const reaper = setInterval(reap, REAP_INTERVAL_MS);
  reaper.unref();

  const sandboxOf = (spec: FunctionSpec): Sandbox => {
    // A sandbox in the map is alive: its end takes it out (ended, below) as the thread exits.
    const running = sandboxes.get(spec.name);
    if (running) return running;
    const fault = faults.find((f) => f.key === spec.key);
    const sandbox: Sandbox = new Sandbox(
      spec,
      codeDir,
      {
        instanceEnded: (key, cause) => {
          instances.drop(spec.name, key);
          say(spec, "an instance ended", cause);
        },
        ended: (cause) => {
          loadedBefore[spec.name] = (loadedBefore[spec.name] ?? 0) + sandbox.modulesLoaded;
          // Stopped on purpose (reap, close): the runner had forgotten it first.
          if (sandboxes.get(spec.name) !== sandbox) return;
          sandboxes.delete(spec.name);
          instances.dropAll(spec.name);
          if (cause.errorType === OUT_OF_MEMORY) windowOf(spec).count("outOfMemory", Date.now());
          say(spec, "its sandbox ended, and every instance of it", cause);
        },
        memory: (perInstance) => windowOf(spec).memory(Date.now(), perInstance),
      },
      fault,
    );
    sandboxes.set(spec.name, sandbox);
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
    const sandbox = sandboxOf(spec);
    const instance = instances.take(spec.name);
    if (instance.cold) window.count("coldStarts", Date.now());
    window.begin(Date.now());
    const startedAt = performance.now();
    let outcome: Outcome = "error";
    let keep = false;
    try {
      const { result } = await sandbox.invoke(instance.key, randomUUID(), event, clientContext);
      outcome = "ok";
      keep = true;
      return result;
    } catch (err) {
      if (err instanceof LambdaTimeoutError) outcome = "timeout";
      // A handler's own error leaves its instance warm; a timeout, init error or crash does not.
      keep = err instanceof FunctionError && !err.endsInstance;
      throw err;
    } finally {
      const endedAt = performance.now();
      window.end(Date.now(), endedAt - startedAt, outcome);
      if (keep && sandbox.alive) instances.giveBack(spec.name, instance.key, endedAt);
      else instances.drop(spec.name, instance.key);
      release?.();
    }
  };

  const invoke: Invoke = async (functionName, payload) => {
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

  const sandboxStats = async (gc = false): Promise<SandboxTotals> => {
    const named = [...sandboxes.entries()];
    const all = await Promise.all(named.map(([, s]) => s.stats(undefined, gc)));
    const totals: SandboxTotals = {
      heapUsed: 0,
      heapTotal: 0,
      external: 0,
      instances: 0,
      sandboxes: sandboxes.size,
      modulesLoaded: { ...loadedBefore },
      resources: {},
    };
    all.forEach((stats, index) => {
      const name = named[index]?.[0];
      if (!stats || name === undefined) return;
      totals.heapUsed += stats.heapUsed;
      totals.heapTotal += stats.heapTotal;
      totals.external += stats.external;
      totals.instances += stats.instances;
      totals.modulesLoaded[name] = (totals.modulesLoaded[name] ?? 0) + stats.modulesLoaded;
      for (const [kind, count] of Object.entries(stats.resources)) {
        totals.resources[kind] = (totals.resources[kind] ?? 0) + count;
      }
    });
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
    // The pool discards each old instance in its sandbox: idle ones now, busy ones as their
    // call ends (giveBack), so a running call keeps its module scope and its memory share.
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

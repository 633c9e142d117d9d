/**
 * How the local cloud runs the functions for serverless-offline 13: all instances in one
 * function host thread (host-thread.ts), one module scope per instance, instead of a worker
 * thread per instance.
 *
 * Why: serverless-offline 13's worker-thread runner costs a V8 isolate per instance (the
 * local cloud reached 0.8–1.6 GiB), a MessageChannel per invocation that it never closes and
 * a timeout timer it never cancels (the heap grew until the process died after minutes of
 * mining), synchronous package.json reads on every call, and a timed-out instance that is
 * terminated but never recreated, so every later call to it hangs (its issue #1896).
 *
 * What stays as on Lambda:
 * - an instance runs one invocation at a time; a call that gets its concurrency slot takes an
 *   idle instance or starts one (a cold start), and instances idle for `terminateIdleLambdaTime`
 *   are dropped (instance-pool.ts). serverless-offline's own pool of LambdaFunction objects only
 *   carries calls here: a caller waiting for a slot has no instance, as on Lambda;
 * - module state belongs to one instance, the environment to one function;
 * - `reservedConcurrency` caps the instances running at once (over the cap, calls wait: see
 *   concurrency.ts), and 0 throttles;
 * - the function's `timeout` is enforced: a timed-out invocation fails with serverless-
 *   offline's own "[504] - Lambda timeout.", frees its concurrency slot at once, and its
 *   instance is discarded, so the next call starts a fresh one (a cold start).
 *
 * What differs: instances share the host's event loop. Code a timed-out handler left running
 * (a pending timer) is abandoned, not killed as Lambda kills a sandbox; its result is
 * ignored. A handler that blocks the loop gets the whole host replaced (host-client.ts).
 *
 * Every call is measured for the cloud report (offline/cloud/): cold starts, waits, throttles,
 * outcomes, durations and concurrency, a few typed-array cells per call (function-window.ts).
 */
import { randomUUID } from "node:crypto";
import { FunctionWindow, type Outcome } from "../cloud/function-window";
import type { FunctionState } from "../cloud/local-report";
import { Semaphore, ThrottledError } from "./concurrency";
import { HostClient, HostedFunctionError, LambdaTimeoutError } from "./host-client";
import type { HostedFunction, HostStats } from "./host-protocol";
import { InstancePool } from "./instance-pool";

/** What the runner needs to know of one function (read from the service definition). */
export interface FunctionSpec extends HostedFunction {
  /** Its key in serverless.yml (rng), where `name` is the deployed name. */
  key: string;
  reservedConcurrency: number | undefined;
}

/** The parts of serverless-offline 13's LambdaFunction that its callers use. */
export interface LambdaFunctionSurface {
  readonly functionName: string;
  readonly status: string;
  readonly idleTimeInMillis: number;
  setEvent(event: unknown): void;
  setClientContext(clientContext: unknown): void;
  runHandler(): Promise<unknown>;
  cleanup(): Promise<void>;
}

/** One LambdaFunction object of serverless-offline's pool: a carrier of one call at a time. */
interface CarrierState {
  event: unknown;
  clientContext: unknown;
  /** From setEvent (when the pool hands it out) until its invocation ends. */
  busy: boolean;
  idleSince: number;
}

/** What invoking a function produced: its return value, or why it failed. */
export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

export interface RunnerOptions {
  /** serverless-offline's `terminateIdleLambdaTime`, in ms: idle instances are dropped after it. */
  idleMs: number;
  log: (line: string) => void;
}

/** How often idle instances are looked for: they go within this much after the idle time. */
const REAP_INTERVAL_MS = 1_000;

export interface FunctionRunner {
  /**
   * Invokes a function as AWS's event sources call the Invoke API (the SQS poller, the
   * supervisor's kick): same instances' rules, same concurrency limits, same timeout.
   */
  invoke(functionName: string, payload: unknown): Promise<InvokeOutcome>;
  /** Every function's instances, waiting calls and measured window, for the cloud report. */
  functionStates(): FunctionState[];
  /** New code: every instance's next invocation starts a fresh module (a cold start). */
  reload(): void;
  /** The host thread's heap and handles; undefined if it does not answer in a second. */
  hostStats(): Promise<HostStats | undefined>;
  close(): Promise<void>;
}

/**
 * Replaces the behaviour of every LambdaFunction (the prototype's public surface) with an
 * in-process runner. `codeDir()` is where the bundles are, read when an instance starts
 * (serverless-esbuild decides it during start-up).
 */
export function installFunctionRunner(
  proto: LambdaFunctionSurface,
  functions: Map<string, FunctionSpec>,
  codeDir: string,
  options: RunnerOptions,
): FunctionRunner {
  const carriers = new WeakMap<object, CarrierState>();
  const instances = new InstancePool(options.idleMs, (key) => host.discard(key));
  // A replaced host (one a handler had blocked) has no module scopes: every instance is gone.
  const host = new HostClient([...functions.values()], codeDir, options.log, () =>
    instances.clear(),
  );
  const reaper = setInterval(() => instances.reap(performance.now()), REAP_INTERVAL_MS);
  reaper.unref();
  const windows = new Map<string, FunctionWindow>();
  const semaphores = new Map<string, Semaphore>();
  for (const spec of functions.values()) {
    windows.set(spec.name, new FunctionWindow());
    if (spec.reservedConcurrency !== undefined && spec.reservedConcurrency > 0) {
      semaphores.set(spec.name, new Semaphore(spec.reservedConcurrency));
    }
  }
  const specOf = (name: string): FunctionSpec => {
    const spec = functions.get(name);
    if (!spec) throw new Error(`the local cloud knows no function named ${name}`);
    return spec;
  };

  /** One invocation, on whichever path it came (HTTP, Invoke API, SQS, schedule). */
  const run = async (spec: FunctionSpec, event: unknown, clientContext: unknown) => {
    const window = windows.get(spec.name) as FunctionWindow;
    if (spec.reservedConcurrency === 0) {
      window.count("throttles", Date.now());
      throw new ThrottledError(`${spec.name} is throttled: its reservedConcurrency is 0`);
    }
    const semaphore = semaphores.get(spec.name);
    if (semaphore?.full) window.count("waits", Date.now());
    const release = await semaphore?.acquire();
    const instance = instances.take(spec.name);
    if (instance.cold) window.count("coldStarts", Date.now());
    window.begin(Date.now());
    const started = performance.now();
    let outcome: Outcome = "error";
    let keep = false;
    try {
      const { result } = await host.invoke(
        { instance: instance.key, fn: spec.name, event, clientContext, requestId: randomUUID() },
        spec.timeoutMs,
      );
      outcome = "ok";
      keep = true;
      return result;
    } catch (err) {
      if (err instanceof LambdaTimeoutError) outcome = "timeout";
      // A handler's own error leaves its instance warm; a timeout or failed init does not.
      keep = err instanceof HostedFunctionError && !err.initFailed;
      throw err;
    } finally {
      const ended = performance.now();
      window.end(Date.now(), ended - started, outcome);
      if (keep) instances.giveBack(spec.name, instance.key, ended);
      else instances.drop(spec.name, instance.key);
      release?.();
    }
  };

  const carrierOf = (fn: object): CarrierState => {
    let state = carriers.get(fn);
    if (!state) {
      state = {
        event: undefined,
        clientContext: undefined,
        busy: false,
        idleSince: performance.now(),
      };
      carriers.set(fn, state);
    }
    return state;
  };
  Object.defineProperties(proto, {
    status: {
      configurable: true,
      get(this: object) {
        return carrierOf(this).busy ? "BUSY" : "IDLE";
      },
    },
    idleTimeInMillis: {
      configurable: true,
      get(this: object) {
        const state = carrierOf(this);
        return state.busy ? 0 : performance.now() - state.idleSince;
      },
    },
  });
  proto.setEvent = function (this: object, event: unknown) {
    const state = carrierOf(this);
    // Busy from the moment the pool hands it out, so that a carrier waiting for a
    // concurrency slot is never handed a second event.
    state.busy = true;
    state.event = event;
  };
  proto.setClientContext = function (this: object, clientContext: unknown) {
    carrierOf(this).clientContext = clientContext;
  };
  proto.cleanup = async function (this: object) {
    carriers.delete(this);
  };
  proto.runHandler = async function (this: LambdaFunctionSurface) {
    const state = carrierOf(this);
    try {
      return await run(specOf(this.functionName), state.event, state.clientContext);
    } finally {
      state.busy = false;
      state.idleSince = performance.now();
    }
  };
  const invoke = async (functionName: string, payload: unknown): Promise<InvokeOutcome> => {
    const spec = functions.get(functionName);
    if (!spec) {
      return { ok: false, error: `ResourceNotFoundException: no function named ${functionName}` };
    }
    try {
      return { ok: true, response: (await run(spec, payload, undefined)) ?? null };
    } catch (err) {
      return {
        ok: false,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      };
    }
  };
  const functionStates = (): FunctionState[] =>
    [...functions.values()].map((spec) => ({
      key: spec.key,
      name: spec.name,
      limit: spec.reservedConcurrency,
      instances: instances.count(spec.name),
      waiting: semaphores.get(spec.name)?.queued ?? 0,
      window: windows.get(spec.name) as FunctionWindow,
    }));
  return {
    invoke,
    functionStates,
    reload: () => {
      host.reload();
      instances.clear();
    },
    hostStats: () => host.ping(),
    close: () => {
      clearInterval(reaper);
      return host.close();
    },
  };
}

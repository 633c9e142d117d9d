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
 * - an instance runs one invocation at a time; serverless-offline's pool adds instances when
 *   all are busy, and drops those idle for `terminateIdleLambdaTime`;
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
 */
import { randomUUID } from "node:crypto";
import { Semaphore, ThrottledError } from "./concurrency";
import { HostClient, HostedFunctionError, LambdaTimeoutError } from "./host-client";
import type { HostedFunction, HostStats } from "./host-protocol";

/** What the runner needs to know of one function (read from the service definition). */
export interface FunctionSpec extends HostedFunction {
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

/** One LambdaFunction object of serverless-offline's pool is one instance here. */
interface InstanceState {
  event: unknown;
  clientContext: unknown;
  /** From setEvent (when the pool hands it out) until its invocation ends. */
  busy: boolean;
  idleSince: number;
  /** Its module scope in the function host; a new key after a timeout (a fresh instance). */
  instance: string;
}

/** What invoking a function produced: its return value, or why it failed. */
export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

export interface FunctionRunner {
  /**
   * Invokes a function as AWS's event sources call the Invoke API (the SQS poller, the
   * supervisor's kick): same instances' rules, same concurrency limits, same timeout.
   */
  invoke(functionName: string, payload: unknown): Promise<InvokeOutcome>;
  /** Instances started (cold starts) per function name, for tests and benchmarks. */
  readonly coldStarts: Map<string, number>;
  readonly semaphores: Map<string, Semaphore>;
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
  log: (line: string) => void,
): FunctionRunner {
  const states = new WeakMap<object, InstanceState>();
  const host = new HostClient([...functions.values()], codeDir, log);
  let instances = 0;
  const newInstance = () => `i${++instances}`;
  const coldStarts = new Map<string, number>();
  const countColdStart = (name: string, coldStart: boolean) => {
    if (coldStart) coldStarts.set(name, (coldStarts.get(name) ?? 0) + 1);
  };
  const semaphores = new Map<string, Semaphore>();
  for (const spec of functions.values()) {
    if (spec.reservedConcurrency !== undefined && spec.reservedConcurrency > 0) {
      semaphores.set(spec.name, new Semaphore(spec.reservedConcurrency));
    }
  }
  const stateOf = (fn: object): InstanceState => {
    let state = states.get(fn);
    if (!state) {
      state = {
        event: undefined,
        clientContext: undefined,
        busy: false,
        idleSince: performance.now(),
        instance: newInstance(),
      };
      states.set(fn, state);
    }
    return state;
  };
  const specOf = (name: string): FunctionSpec => {
    const spec = functions.get(name);
    if (!spec) throw new Error(`the local cloud knows no function named ${name}`);
    return spec;
  };
  Object.defineProperties(proto, {
    status: {
      configurable: true,
      get(this: object) {
        return stateOf(this).busy ? "BUSY" : "IDLE";
      },
    },
    idleTimeInMillis: {
      configurable: true,
      get(this: object) {
        const state = stateOf(this);
        return state.busy ? 0 : performance.now() - state.idleSince;
      },
    },
  });
  proto.setEvent = function (this: object, event: unknown) {
    const state = stateOf(this);
    // Busy from the moment the pool hands it out, so that an instance waiting for a
    // concurrency slot is never handed a second event.
    state.busy = true;
    state.event = event;
  };
  proto.setClientContext = function (this: object, clientContext: unknown) {
    stateOf(this).clientContext = clientContext;
  };
  proto.cleanup = async function (this: object) {
    const state = states.get(this);
    if (state) host.discard(state.instance);
    states.delete(this);
  };
  proto.runHandler = async function (this: LambdaFunctionSurface) {
    const state = stateOf(this);
    const spec = specOf(this.functionName);
    try {
      if (spec.reservedConcurrency === 0) {
        throw new ThrottledError(`${spec.name} is throttled: its reservedConcurrency is 0`);
      }
      const release = await semaphores.get(spec.name)?.acquire();
      try {
        const { result, coldStart } = await host.invoke(
          {
            instance: state.instance,
            fn: spec.name,
            event: state.event,
            clientContext: state.clientContext,
            requestId: randomUUID(),
          },
          spec.timeoutMs,
        );
        countColdStart(spec.name, coldStart);
        return result;
      } catch (err) {
        if (err instanceof HostedFunctionError) countColdStart(spec.name, err.coldStart);
        // The host discarded the instance: the next call to it starts a fresh module.
        if (err instanceof LambdaTimeoutError) state.instance = newInstance();
        throw err;
      } finally {
        release?.();
      }
    } finally {
      state.busy = false;
      state.idleSince = performance.now();
    }
  };
  // Instances for invocations that do not come through serverless-offline (its pool is out
  // of reach): idle ones wait here, by function, to be reused warm.
  const idle = new Map<string, LambdaFunctionSurface[]>();
  const invoke = async (functionName: string, payload: unknown): Promise<InvokeOutcome> => {
    if (!functions.has(functionName)) {
      return { ok: false, error: `ResourceNotFoundException: no function named ${functionName}` };
    }
    let pool = idle.get(functionName);
    if (!pool) {
      pool = [];
      idle.set(functionName, pool);
    }
    const fn =
      pool.pop() ??
      (Object.create(proto, { functionName: { value: functionName } }) as LambdaFunctionSurface);
    fn.setEvent(payload);
    try {
      return { ok: true, response: (await fn.runHandler()) ?? null };
    } catch (err) {
      return {
        ok: false,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      };
    } finally {
      pool.push(fn);
    }
  };
  return {
    invoke,
    coldStarts,
    semaphores,
    reload: () => host.reload(),
    hostStats: () => host.ping(),
    close: () => host.close(),
  };
}

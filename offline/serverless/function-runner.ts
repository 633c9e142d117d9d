/**
 * How the local cloud runs the functions for serverless-offline 13: in its own process, one
 * module scope per instance (handler-module.ts), instead of a worker thread per instance.
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
 * What differs: instances share one event loop. Code a timed-out handler left running (a
 * pending timer, an unanswered request) is abandoned, not killed as Lambda kills a sandbox;
 * its result is ignored. A handler that blocks the event loop (a synchronous endless loop)
 * blocks the whole local cloud.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Semaphore, ThrottledError } from "./concurrency";
import { type Handler, instantiateHandler } from "./handler-module";

/** What the runner needs to know of one function (read from the service definition). */
export interface FunctionSpec {
  /** The function's deployed name, e.g. dockercoins-dev-rng: what serverless-offline calls it. */
  name: string;
  /** `functions/rng/handler.handler`: file (without .js) and export. */
  handler: string;
  timeoutMs: number;
  memorySize: number;
  region: string;
  /** Its whole environment, as Lambda would set it. */
  env: Record<string, string>;
  reservedConcurrency: number | undefined;
}

/** serverless-offline's answer to a timeout: its HTTP layer turns "[504]" into the status. */
export class LambdaTimeoutError extends Error {
  override name = "LambdaTimeoutError";
  constructor() {
    super("[504] - Lambda timeout.");
  }
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
  /** The loaded module; undefined before the first call and after a timeout (discarded). */
  handler: Promise<Handler> | undefined;
  /** The code generation it was loaded from (see reload()). */
  generation: number;
}

export interface FunctionRunner {
  /** Instances started (cold starts) per function name, for tests and benchmarks. */
  readonly coldStarts: Map<string, number>;
  readonly semaphores: Map<string, Semaphore>;
  /** New code: every instance's next invocation starts a fresh module (a cold start). */
  reload(): void;
}

/**
 * Replaces the behaviour of every LambdaFunction (the prototype's public surface) with an
 * in-process runner. `codeDir()` is where the bundles are, read when an instance starts
 * (serverless-esbuild decides it during start-up).
 */
export function installFunctionRunner(
  proto: LambdaFunctionSurface,
  functions: Map<string, FunctionSpec>,
  codeDir: () => string,
): FunctionRunner {
  const states = new WeakMap<object, InstanceState>();
  let generation = 0;
  const coldStarts = new Map<string, number>();
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
        handler: undefined,
        generation,
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
  const load = (spec: FunctionSpec): Promise<Handler> => {
    coldStarts.set(spec.name, (coldStarts.get(spec.name) ?? 0) + 1);
    const dot = spec.handler.lastIndexOf(".");
    const file = `${join(codeDir(), spec.handler.slice(0, dot))}.js`;
    return instantiateHandler(file, spec.handler.slice(dot + 1), spec.env);
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
        if (state.generation !== generation) {
          state.handler = undefined;
          state.generation = generation;
        }
        state.handler ??= load(spec);
        const handler = await state.handler.catch((err: unknown) => {
          state.handler = undefined; // an init error: the next call tries a fresh instance
          throw err;
        });
        return await invoke(handler, state, spec);
      } catch (err) {
        if (err instanceof LambdaTimeoutError) state.handler = undefined;
        throw err;
      } finally {
        release?.();
      }
    } finally {
      state.busy = false;
      state.idleSince = performance.now();
    }
  };
  return {
    coldStarts,
    semaphores,
    reload: () => {
      generation += 1;
    },
  };
}

/** One invocation, with the function's timeout; resolves with the handler's result. */
function invoke(handler: Handler, state: InstanceState, spec: FunctionSpec): Promise<unknown> {
  const deadline = Date.now() + spec.timeoutMs;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new LambdaTimeoutError()), spec.timeoutMs);
    const settle = (err: unknown, result?: unknown) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result);
    };
    const callback = (err?: unknown, result?: unknown) => settle(err ?? null, result);
    const context = {
      awsRequestId: randomUUID(),
      callbackWaitsForEmptyEventLoop: true,
      clientContext: state.clientContext,
      functionName: spec.name,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${spec.region}:000000000000:function:${spec.name}`,
      logGroupName: `/aws/lambda/${spec.name}`,
      logStreamName: `local/[$LATEST]${spec.name}`,
      memoryLimitInMB: String(spec.memorySize),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      fail: (err: unknown) => callback(err),
      succeed: (result: unknown) => callback(null, result),
    };
    try {
      const returned = handler(state.event, context, callback);
      if (
        returned instanceof Promise ||
        typeof (returned as Promise<unknown>)?.then === "function"
      ) {
        (returned as Promise<unknown>).then(
          (result) => settle(null, result),
          (err: unknown) => settle(err ?? new Error("the handler rejected without a reason")),
        );
      }
    } catch (err) {
      settle(err);
    }
  });
}

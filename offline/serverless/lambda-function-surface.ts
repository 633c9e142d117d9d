/**
 * serverless-offline's side of the local function runner: its HTTP and Invoke API layers call
 * LambdaFunction objects from a pool of their own; the local cloud replaces their behaviour (the
 * prototype's public surface) so that every call goes to the one runner (function-runner.ts).
 * Those objects only carry calls here: a caller waiting for a concurrency slot has no instance,
 * as on Lambda.
 */
import type { FunctionRunner } from "./function-runner";

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

/** Makes every LambdaFunction (of `proto`) a carrier of calls to `runner`. */
export function carryCallsTo(proto: LambdaFunctionSurface, runner: FunctionRunner): void {
  const carriers = new WeakMap<object, CarrierState>();
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
      return await runner.run(this.functionName, state.event, state.clientContext);
    } finally {
      state.busy = false;
      state.idleSince = performance.now();
    }
  };
}

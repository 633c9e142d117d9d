/**
 * The messages between the local cloud's main thread (host-client.ts) and the function host
 * thread (host-thread.ts). One port, requests matched to answers by id: no channel per
 * invocation.
 */

/** What the host needs to know of a function to run it. */
export interface HostedFunction {
  name: string;
  /** `functions/rng/handler.handler`: file under the code folder (without .js) and export. */
  handler: string;
  timeoutMs: number;
  memorySize: number;
  region: string;
  env: Record<string, string>;
}

export type ToHost =
  | { op: "configure"; functions: HostedFunction[]; codeDir: string }
  | {
      op: "invoke";
      id: number;
      /** The instance to run in; a new key means a new module scope (a cold start). */
      instance: string;
      fn: string;
      event: unknown;
      clientContext: unknown;
      requestId: string;
    }
  | { op: "discard"; instance: string }
  | { op: "reload" }
  | { op: "ping"; id: number };

export type SerializedError = { name: string; message: string; stack?: string };

export type FromHost =
  | { op: "result"; id: number; ok: true; coldStart: boolean; result: unknown }
  | {
      op: "result";
      id: number;
      ok: false;
      coldStart: boolean;
      /** The instance's module failed to load: the host has dropped the instance. */
      initFailed: boolean;
      error: SerializedError;
    }
  | { op: "pong"; id: number; stats: HostStats };

/** The host thread's own heap and live handles (its isolate's, not the process's). */
export interface HostStats {
  heapUsed: number;
  heapTotal: number;
  instances: number;
  /**
   * Module scopes the host has created per function name since it started: the count of cold
   * starts the host itself saw, independent of the runner's (tests compare the two).
   */
  modulesLoaded: Record<string, number>;
  resources: Record<string, number>;
}

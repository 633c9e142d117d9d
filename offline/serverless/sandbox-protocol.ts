/**
 * The messages between the local cloud's main thread (sandbox.ts) and one instance's sandbox
 * thread (sandbox-thread.ts). One port per sandbox, requests matched to answers by id.
 */

/** What a sandbox needs to know of its function to run it. */
export interface SandboxedFunction {
  name: string;
  /** `functions/rng/handler.handler`: file under the code folder (without .js) and export. */
  handler: string;
  timeoutMs: number;
  /** Lambda's memorySize, in MB: the sandbox's V8 heap and its heap + external memory cap. */
  memorySize: number;
  region: string;
  env: Record<string, string>;
}

/** What a sandbox thread is started with (its workerData). */
export interface SandboxData {
  fn: SandboxedFunction;
  codeDir: string;
  /** How often the sandbox samples its own memory, in ms. */
  memoryWatchMs: number;
}

export type ToSandbox =
  | {
      op: "invoke";
      id: number;
      event: unknown;
      clientContext: unknown;
      requestId: string;
    }
  | { op: "ping"; id: number };

export type SerializedError = { name: string; message: string; stack?: string };

export type FromSandbox =
  | { op: "result"; id: number; ok: true; result: unknown; maxMemoryUsed: number }
  | {
      op: "result";
      id: number;
      ok: false;
      /** The module failed to load: the sandbox is of no further use. */
      initFailed: boolean;
      error: SerializedError;
      maxMemoryUsed: number;
    }
  /**
   * The sandbox is going down: an uncaught exception, an unhandled rejection, or memory past
   * memorySize. Its thread ends right after; the invocation it ran fails with this error.
   */
  | { op: "crash"; error: SerializedError; maxMemoryUsed: number }
  | { op: "pong"; id: number; stats: SandboxStats };

/** One sandbox's isolate: its heap, its memory outside the heap, its live handles. */
export interface SandboxStats {
  heapUsed: number;
  heapTotal: number;
  /** Buffers and other memory V8 holds outside its heap (arrayBuffers among it). */
  external: number;
  /** The largest heapUsed + external the sandbox has sampled (Lambda's Max Memory Used). */
  maxMemoryUsed: number;
  resources: Record<string, number>;
}

/**
 * The messages between the local cloud's main thread (sandbox.ts) and one function's sandbox
 * thread (sandbox-thread.ts). One port per sandbox, requests matched to answers by id.
 */
import type { InjectedFault } from "./fault-injection";

/** What a sandbox needs to know of its function to run it. */
export interface SandboxedFunction {
  name: string;
  /** `functions/rng/handler.handler`: file under the code folder (without .js) and export. */
  handler: string;
  timeoutMs: number;
  /** Lambda's memorySize, in MB: what each instance may use (heap + external memory). */
  memorySize: number;
  region: string;
  env: Record<string, string>;
}

/** What a sandbox thread is started with (its workerData). */
export interface SandboxData {
  fn: SandboxedFunction;
  codeDir: string;
  /** How often the sandbox samples its memory while an invocation runs, in ms. */
  memoryWatchMs: number;
  /** A bug to run before the handler (fault-injection.ts), for tests and the exercise. */
  fault: InjectedFault | undefined;
}

export type ToSandbox =
  | {
      op: "invoke";
      id: number;
      /** The instance to run in; a new key means a new module scope (a cold start). */
      instance: string;
      event: unknown;
      clientContext: unknown;
      requestId: string;
    }
  | { op: "discard"; instance: string }
  /** `gc`: a full garbage collection first, so the figures are what the sandbox keeps. */
  | { op: "ping"; id: number; gc?: boolean };

export type SerializedError = { name: string; message: string; stack?: string };

/** The sandbox's memory as each answer gives it: heap + external, over its live instances. */
export interface MemoryReading {
  /** Bytes per live instance (exact with one instance; their mean with several). */
  perInstance: number;
  /** Module scopes the sandbox has created so far (SandboxStats.modulesLoaded). */
  modulesLoaded: number;
}

export type FromSandbox =
  | ({ op: "result"; id: number; ok: true; result: unknown } & MemoryReading)
  | ({
      op: "result";
      id: number;
      ok: false;
      /** The instance's module failed to load: the sandbox has dropped the instance. */
      initFailed: boolean;
      error: SerializedError;
    } & MemoryReading)
  /**
   * One instance went down (its process.exit, an uncaught exception or unhandled rejection
   * raised by its code): the sandbox has dropped it; its invocation fails with this error.
   */
  | { op: "instance-crash"; instance: string; error: SerializedError }
  /**
   * The whole sandbox goes down (memory past memorySize × its instances, or a crash no
   * instance can be named for): its thread ends right after.
   */
  | ({ op: "crash"; error: SerializedError } & MemoryReading)
  | { op: "pong"; id: number; stats: SandboxStats };

/** One sandbox's isolate: its heap, its memory outside the heap, its instances and handles. */
export interface SandboxStats {
  heapUsed: number;
  heapTotal: number;
  /** Buffers and other memory V8 holds outside its heap (arrayBuffers among it). */
  external: number;
  instances: number;
  /** Module scopes created since the sandbox started: its own count of cold starts. */
  modulesLoaded: number;
  resources: Record<string, number>;
}

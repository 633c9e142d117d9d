/**
 * The main thread's side of one function's sandbox (sandbox-thread.ts): starts its thread,
 * sends it invocations (one at a time per instance, as many instances as the function has),
 * and turns whatever ends an instance or the whole sandbox into the failure of the invocations
 * it ran, in Lambda's terms (lambda-errors.ts). Nothing that happens in a sandbox reaches
 * another function: each has its own thread, its own V8 isolate and heap.
 *
 * A loop that never yields blocks the thread: after an invocation times out, the sandbox must
 * answer a ping within `SANDBOX_PING_TIMEOUT_MS`, or it is stopped (every instance of this
 * function with it) and the function's next call starts a fresh one.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../../common/project";
import type { InjectedFault } from "./fault-injection";
import {
  EXIT_ERROR,
  exitError,
  type FunctionError,
  functionError,
  LambdaTimeoutError,
  outOfMemoryError,
  runtimeExited,
} from "./lambda-errors";
import type {
  FromSandbox,
  SandboxData,
  SandboxedFunction,
  SandboxStats,
  SerializedError,
  ToSandbox,
} from "./sandbox-protocol";

/** How often a sandbox samples its heap + external memory while an invocation runs. */
export const MEMORY_WATCH_MS = 100;
/** How long a sandbox has to show it is not blocked, once an invocation timed out. */
export const SANDBOX_PING_TIMEOUT_MS = 1_000;
/**
 * Each sandbox's young generation. Not a cap on what it keeps (long-lived objects move to the
 * old generation): a small nursery is collected more often and holds less memory between
 * collections, which matters with a V8 isolate per function.
 */
const SANDBOX_YOUNG_GENERATION_MB = 4;
/** Instances the V8 heap limit allows for at memorySize each, for a function with no limit. */
const HEAP_INSTANCES_WITHOUT_LIMIT = 4;

/** The TypeScript runner, which bundles the sandbox's entry (a worker needs a JavaScript file). */
const { bundleTypeScript } = createRequire(__filename)(
  join(projectRoot, "common", "run-ts.cjs"),
) as { bundleTypeScript: (entry: string) => string };
let entry: string | undefined;

const asError = (serialized: SerializedError, kind: "handler" | "init" | "crash") =>
  functionError(serialized.name, serialized.message, kind, serialized.stack);

type Answer = { result: unknown };
interface Running {
  instance: string;
  requestId: string;
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SandboxEvents {
  /** One instance ended on its own (its crash): its invocation, if any, has failed. */
  instanceEnded(instance: string, cause: FunctionError): void;
  /**
   * The sandbox ended, and `cause` is why. Also called after stop(): the runner has forgotten
   * the sandbox by then (it stops only one it no longer keeps), so it knows to ignore it.
   */
  ended(cause: FunctionError): void;
  /** A per-instance memory reading, in bytes, as an answer carried it. */
  memory(perInstance: number): void;
}

export class Sandbox {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly running = new Map<number, Running>();
  private readonly pongs = new Map<number, (stats: SandboxStats | undefined) => void>();
  /** Why the sandbox went down, once it said so or its thread failed. */
  private cause: FunctionError | undefined;
  private ended = false;
  /** Module scopes the sandbox said it had created, at its last answer. */
  modulesLoaded = 0;

  constructor(
    private readonly fn: SandboxedFunction & { reservedConcurrency: number | undefined },
    codeDir: string,
    private readonly events: SandboxEvents,
    fault?: InjectedFault,
  ) {
    entry ??= bundleTypeScript(join(projectRoot, "offline", "serverless", "sandbox-thread.ts"));
    const data: SandboxData = { fn, codeDir, memoryWatchMs: MEMORY_WATCH_MS, fault };
    const heapInstances = fn.reservedConcurrency ?? HEAP_INSTANCES_WITHOUT_LIMIT;
    this.worker = new Worker(entry, {
      workerData: data,
      stdout: false,
      stderr: false,
      resourceLimits: {
        maxOldGenerationSizeMb: fn.memorySize * Math.max(1, heapInstances),
        maxYoungGenerationSizeMb: SANDBOX_YOUNG_GENERATION_MB,
      },
    });
    this.worker.on("message", (message: FromSandbox) => this.answer(message));
    this.worker.on("error", (err: Error & { code?: string }) => {
      // The V8 heap reached its hard limit; or anything else the thread itself threw.
      this.cause ??=
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? outOfMemoryError(
              this.requestIds(),
              fn.memorySize * heapInstances * 2 ** 20,
              fn.memorySize,
            )
          : functionError(err.name, err.message, "crash", err.stack);
    });
    this.worker.on("exit", (code) => this.exited(code));
    // A sandbox never keeps the process alive on its own: Ctrl-C closes it.
    this.worker.unref();
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Invocations running now, or a check whether the thread is blocked. */
  get busy(): number {
    return this.running.size + this.checking;
  }

  /** Checks under way whether a timed-out invocation left the thread blocked. */
  private checking = 0;

  private requestIds(): string[] {
    return [...this.running.values()].map((r) => r.requestId);
  }

  private post(message: ToSandbox): void {
    if (!this.ended) this.worker.postMessage(message);
  }

  /**
   * Runs one invocation in `instance`. It fails with the handler's error, with its instance's
   * or its sandbox's end (Runtime.ExitError, Runtime.OutOfMemory, Runtime.Unhandled…, an
   * uncaught error), or past the function's timeout with LambdaTimeoutError, after which the
   * instance is discarded and the sandbox must show it is not blocked.
   */
  invoke(instance: string, requestId: string, event: unknown, clientContext: unknown) {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      if (this.ended) {
        reject(
          this.cause ?? functionError(EXIT_ERROR, "the function's sandbox has stopped", "crash"),
        );
        return;
      }
      const timer = setTimeout(() => {
        this.running.delete(id);
        this.post({ op: "discard", instance });
        reject(new LambdaTimeoutError());
        void this.checkNotBlocked();
      }, this.fn.timeoutMs);
      this.running.set(id, { instance, requestId, resolve, reject, timer });
      this.post({ op: "invoke", id, instance, event, clientContext, requestId });
    });
  }

  private answer(message: FromSandbox): void {
    if (message.op === "pong") {
      this.pongs.get(message.id)?.(message.stats);
      return;
    }
    if (message.op === "instance-crash") {
      const cause = asError(message.error, "crash");
      for (const [id, running] of this.running) {
        if (running.instance !== message.instance) continue;
        this.running.delete(id);
        clearTimeout(running.timer);
        running.reject(cause);
      }
      this.events.instanceEnded(message.instance, cause);
      return;
    }
    this.events.memory(message.perInstance);
    this.modulesLoaded = message.modulesLoaded;
    if (message.op === "crash") {
      this.cause ??= asError(message.error, "crash");
      return;
    }
    const running = this.running.get(message.id);
    if (!running) return; // an invocation that timed out or crashed meanwhile
    this.running.delete(message.id);
    clearTimeout(running.timer);
    if (message.ok) running.resolve({ result: message.result });
    else running.reject(asError(message.error, message.initFailed ? "init" : "handler"));
  }

  private exited(code: number): void {
    this.ended = true;
    const cause =
      this.cause ??
      exitError(this.requestIds(), code, "the function's sandbox stopped: every instance of it");
    for (const running of this.running.values()) {
      clearTimeout(running.timer);
      running.reject(cause);
    }
    this.running.clear();
    for (const resolve of this.pongs.values()) resolve(undefined);
    this.pongs.clear();
    this.events.ended(cause);
  }

  /**
   * The sandbox's isolate figures, or undefined when it does not answer within `timeoutMs`;
   * with `gc`, after a full garbage collection in it.
   */
  stats(timeoutMs = SANDBOX_PING_TIMEOUT_MS, gc = false): Promise<SandboxStats | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pongs.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.pongs.set(id, (stats: SandboxStats | undefined) => {
        clearTimeout(timer);
        this.pongs.delete(id);
        resolve(stats);
      });
      this.post({ op: "ping", id, gc });
    });
  }

  private async checkNotBlocked(): Promise<void> {
    this.checking += 1;
    const answered = (await this.stats()) !== undefined;
    this.checking -= 1;
    if (answered || this.ended) return;
    this.cause ??= runtimeExited(
      EXIT_ERROR,
      this.requestIds(),
      "signal: killed",
      `an instance of ${this.fn.name} blocked its sandbox for more than ${SANDBOX_PING_TIMEOUT_MS} ms after its timeout; every instance of it was stopped`,
    );
    await this.worker.terminate();
  }

  /**
   * One instance's module scope goes: idle too long, or running old code after a reload (the
   * pool discards each instance of the old code, idle ones at once and busy ones as their call
   * ends, so none is dropped while it still runs).
   */
  discard(instance: string): void {
    this.post({ op: "discard", instance });
  }

  /** Ends the sandbox (no instance left, shutdown). */
  async stop(): Promise<void> {
    if (this.ended) return;
    await this.worker.terminate();
  }
}

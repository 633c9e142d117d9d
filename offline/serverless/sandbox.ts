/**
 * The main thread's side of one instance's sandbox (sandbox-thread.ts): starts its thread,
 * sends it invocations one at a time, and turns whatever ends the thread into the failure of
 * the invocation it ran, in Lambda's terms (lambda-errors.ts). Nothing that happens in a
 * sandbox reaches another: a crash, a leak or a blocked loop costs this instance only.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../../common/project";
import {
  exitError,
  type FunctionError,
  functionError,
  LambdaTimeoutError,
  outOfMemoryError,
} from "./lambda-errors";
import type {
  FromSandbox,
  SandboxData,
  SandboxedFunction,
  SandboxStats,
  SerializedError,
} from "./sandbox-protocol";

/** How often a sandbox samples its heap + external memory against its memorySize. */
export const MEMORY_WATCH_MS = 100;
/**
 * Each sandbox's young generation. Not a cap on what it keeps (long-lived objects move to the
 * old generation, whose limit is memorySize): a small nursery is collected more often and holds
 * less memory between collections, which matters with a V8 isolate per instance.
 */
const SANDBOX_YOUNG_GENERATION_MB = 4;

/** The TypeScript runner, which bundles the sandbox's entry (a worker needs a JavaScript file). */
const { bundleTypeScript } = createRequire(__filename)(
  join(projectRoot, "common", "run-ts.cjs"),
) as { bundleTypeScript: (entry: string) => string };
let entry: string | undefined;

const asError = (serialized: SerializedError, kind: "handler" | "init" | "crash") =>
  functionError(serialized.name, serialized.message, kind, serialized.stack);

type Answer = { result: unknown; maxMemoryUsed: number };
interface Running {
  id: number;
  requestId: string;
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class Sandbox {
  private readonly worker: Worker;
  private nextId = 1;
  private running: Running | undefined;
  private readonly pongs = new Map<number, (stats: SandboxStats | undefined) => void>();
  /** Why the sandbox went down, once it said so (a crash message) or its thread failed. */
  private cause: FunctionError | undefined;
  private ended = false;
  /** stop() was called: the thread's end is no failure. */
  private stopping = false;
  /** The largest heap + external memory the sandbox reported (Lambda's Max Memory Used). */
  maxMemoryUsed = 0;

  constructor(
    private readonly fn: SandboxedFunction,
    codeDir: string,
    /** Called once when the thread has ended, with why when it was not stopped on purpose. */
    private readonly onEnd: (sandbox: Sandbox, cause: FunctionError | undefined) => void,
  ) {
    entry ??= bundleTypeScript(join(projectRoot, "offline", "serverless", "sandbox-thread.ts"));
    const data: SandboxData = { fn, codeDir, memoryWatchMs: MEMORY_WATCH_MS };
    this.worker = new Worker(entry, {
      workerData: data,
      stdout: false,
      stderr: false,
      resourceLimits: {
        maxOldGenerationSizeMb: fn.memorySize,
        maxYoungGenerationSizeMb: SANDBOX_YOUNG_GENERATION_MB,
      },
    });
    this.worker.on("message", (message: FromSandbox) => this.answer(message));
    this.worker.on("error", (err: Error & { code?: string }) => {
      // The V8 heap reached memorySize (its hard limit); anything else the thread threw.
      const requestId = this.running?.requestId ?? "(between invocations)";
      const { memorySize } = this.fn;
      this.cause ??=
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? outOfMemoryError(requestId, memorySize * 2 ** 20, memorySize)
          : functionError(err.name, err.message, "crash", err.stack);
    });
    this.worker.on("exit", (code) => this.exited(code));
    // A sandbox never keeps the process alive on its own: Ctrl-C closes it.
    this.worker.unref();
  }

  get alive(): boolean {
    return !this.ended;
  }

  /**
   * Runs one invocation. It fails with the handler's error, with the sandbox's end
   * (Runtime.ExitError, Runtime.OutOfMemory, an uncaught error), or past the function's
   * timeout with LambdaTimeoutError, after which the sandbox is stopped, blocked or not.
   */
  invoke(requestId: string, event: unknown, clientContext: unknown): Promise<Answer> {
    if (this.running) throw new Error(`sandbox of ${this.fn.name} is busy`);
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      if (this.ended) {
        reject(this.cause ?? exitError(requestId, 0));
        return;
      }
      const timer = setTimeout(() => {
        this.running = undefined;
        reject(new LambdaTimeoutError());
        void this.stop();
      }, this.fn.timeoutMs);
      this.running = { id, requestId, resolve, reject, timer };
      this.worker.postMessage({ op: "invoke", id, event, clientContext, requestId });
    });
  }

  private answer(message: FromSandbox): void {
    if (message.op === "pong") {
      this.pongs.get(message.id)?.(message.stats);
      return;
    }
    this.maxMemoryUsed = Math.max(this.maxMemoryUsed, message.maxMemoryUsed);
    if (message.op === "crash") {
      const { error } = message;
      // An unhandled rejection or a memory kill names the invocation it ended.
      const requestId = this.running?.requestId ?? "(between invocations)";
      this.cause ??= asError(
        { ...error, message: error.message.replace("(between invocations)", requestId) },
        "crash",
      );
      return;
    }
    const running = this.running;
    if (running?.id !== message.id) return; // an invocation that timed out meanwhile
    this.running = undefined;
    clearTimeout(running.timer);
    if (message.ok) running.resolve({ result: message.result, maxMemoryUsed: this.maxMemoryUsed });
    else running.reject(asError(message.error, message.initFailed ? "init" : "handler"));
  }

  private exited(code: number): void {
    this.ended = true;
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.reject(this.cause ?? exitError(running.requestId, code));
    }
    for (const resolve of this.pongs.values()) resolve(undefined);
    this.pongs.clear();
    const between = () => exitError("(between invocations)", code);
    this.onEnd(this, this.cause ?? (this.stopping ? undefined : between()));
  }

  /** The sandbox's isolate figures, or undefined when it does not answer within `timeoutMs`. */
  stats(timeoutMs: number): Promise<SandboxStats | undefined> {
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
      this.worker.postMessage({ op: "ping", id });
    });
  }

  /** Ends the sandbox (idle too long, timed out, new code, shutdown). */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.stopping = true;
    await this.worker.terminate();
  }
}

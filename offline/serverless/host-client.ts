/**
 * The main thread's side of the function host (host-thread.ts): starts the thread, sends
 * it invocations, matches answers to them, and replaces the thread when a handler has
 * blocked it. A handler that never yields (a synchronous endless loop) would otherwise stop
 * every function: after an invocation times out, the host must answer a ping within
 * `HOST_PING_TIMEOUT_MS`, or it is terminated and a fresh one started; the invocations it was
 * running fail, as calls in a crashed sandbox do, and every instance starts cold again.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../../common/project";
import type { FromHost, HostedFunction, HostStats, SerializedError, ToHost } from "./host-protocol";

/** How long the host thread has to show it is not blocked, once an invocation timed out. */
export const HOST_PING_TIMEOUT_MS = 1_000;
/**
 * The host thread's young generation. Not a cap on what it keeps (long-lived objects move to
 * the old generation, which has none): a smaller nursery is collected more often and holds
 * less memory between collections, about 20 MB less at 4 replicas mining flat out.
 */
const HOST_YOUNG_GENERATION_MB = 8;

/** A handler's error (or its instance's init error), as the host reported it. */
export class HostedFunctionError extends Error {
  constructor(
    serialized: SerializedError,
    /** Whether the failed invocation had started a new instance. */
    readonly coldStart: boolean,
    /** The instance's init failed: the host has dropped it. */
    readonly initFailed: boolean,
  ) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack) this.stack = serialized.stack;
  }
}

/** serverless-offline's answer to a timeout: its HTTP layer turns "[504]" into the status. */
export class LambdaTimeoutError extends Error {
  override name = "LambdaTimeoutError";
  constructor() {
    super("[504] - Lambda timeout.");
  }
}

/** The function host was replaced while this invocation ran in it. */
export class HostRestartedError extends Error {
  override name = "HostRestartedError";
}

/** The TypeScript runner, which bundles the host's entry (a worker needs a JavaScript file). */
const { bundleTypeScript } = createRequire(__filename)(
  join(projectRoot, "common", "run-ts.cjs"),
) as {
  bundleTypeScript: (entry: string) => string;
};

type Answer = { result: unknown; coldStart: boolean };
type Pending = {
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
};

export class HostClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pongs = new Map<number, (stats: HostStats) => void>();
  private closed = false;

  constructor(
    private readonly functions: HostedFunction[],
    private readonly codeDir: string,
    private readonly log: (line: string) => void,
    /** Called when a new host replaces the old one: every instance is gone. */
    private readonly onReplaced: () => void = () => {},
  ) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const entry = bundleTypeScript(join(projectRoot, "offline", "serverless", "host-thread.ts"));
    const worker = new Worker(entry, {
      stdout: false,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: HOST_YOUNG_GENERATION_MB },
    });
    worker.on("message", (message: FromHost) => this.answer(message));
    worker.on("error", (err) => this.log(`the function host thread failed: ${err.message}`));
    worker.on("exit", (code) => {
      if (worker !== this.worker || this.closed) return;
      this.log(`the function host thread exited (${code}); starting a new one`);
      this.replace();
    });
    // The host must never keep the process alive on its own: Ctrl-C closes it.
    worker.unref();
    this.post(worker, { op: "configure", functions: this.functions, codeDir: this.codeDir });
    return worker;
  }

  private post(worker: Worker, message: ToHost): void {
    worker.postMessage(message);
  }

  private answer(message: FromHost): void {
    if (message.op === "pong") {
      this.pongs.get(message.id)?.(message.stats);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return; // an invocation that timed out meanwhile: its answer is dropped
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve({ result: message.result, coldStart: message.coldStart });
    else {
      pending.reject(new HostedFunctionError(message.error, message.coldStart, message.initFailed));
    }
  }

  /**
   * Runs an invocation in the host. Past `timeoutMs` it fails with LambdaTimeoutError: its
   * answer, should one come, is dropped, its instance is discarded, and the host must show
   * that the handler has not blocked it.
   */
  invoke(request: Omit<Extract<ToHost, { op: "invoke" }>, "op" | "id">, timeoutMs: number) {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.discard(request.instance);
        void this.checkNotBlocked();
        reject(new LambdaTimeoutError());
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.post(this.worker, { op: "invoke", id, ...request });
    });
  }

  discard(instance: string): void {
    this.post(this.worker, { op: "discard", instance });
  }

  /** New code (a rebuild): every instance starts afresh at its next call. */
  reload(): void {
    this.post(this.worker, { op: "reload" });
  }

  /** The host's answer to a ping, or undefined when it gives none within `timeoutMs`. */
  ping(timeoutMs = HOST_PING_TIMEOUT_MS): Promise<HostStats | undefined> {
    const id = this.nextId++;
    return new Promise<HostStats | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pongs.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.pongs.set(id, (stats) => {
        clearTimeout(timer);
        this.pongs.delete(id);
        resolve(stats);
      });
      this.post(this.worker, { op: "ping", id });
    });
  }

  private async checkNotBlocked(): Promise<void> {
    const answered = (await this.ping()) !== undefined;
    if (!answered && !this.closed) {
      this.log(
        `a handler has blocked the function host for more than ${HOST_PING_TIMEOUT_MS} ms after its timeout; starting a new host (every instance starts cold)`,
      );
      this.replace();
    }
  }

  private replace(): void {
    const old = this.worker;
    this.worker = this.spawn();
    this.onReplaced();
    void old.terminate();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new HostRestartedError("the function host was restarted while this ran"));
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}

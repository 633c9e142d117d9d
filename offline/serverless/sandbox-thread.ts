/**
 * A function's sandbox: the entry of the worker thread in which every instance of one function
 * lives (sandbox.ts starts it), each instance in a module scope of its own (handler-module.ts).
 * The main thread sends invocations, each naming its instance, and gets results back.
 *
 * A learner's bug costs what it costs on Lambda where this thread can tell whose it is: code
 * runs inside its instance's async context (AsyncLocalStorage), so `process.exit`, an uncaught
 * exception and an unhandled rejection raised by an instance's code end that instance only
 * (its invocation fails, its module scope is dropped; timers it left behind are abandoned, as
 * after a timeout). What only the whole thread can answer for ends the whole sandbox, so every
 * instance of this function and no other: memory past memorySize × live instances (heap +
 * external memory such as Buffers, sampled; the V8 heap also has a hard limit), a crash with no
 * instance to name, and (found out by sandbox.ts) a loop that never yields.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { collectGarbage } from "../../common/full-gc";
import { callHandler, type Handler, lambdaContext } from "../../common/lambda/call-handler";
import { activeResources } from "../../common/process-stats";
import { runFault } from "./fault-injection";
import { instantiateHandler } from "./handler-module";
import { exitError, outOfMemoryError, UNHANDLED_REJECTION } from "./lambda-errors";
import type {
  FromSandbox,
  SandboxData,
  SandboxStats,
  SerializedError,
  ToSandbox,
} from "./sandbox-protocol";

const port = parentPort;
if (!port) throw new Error("sandbox-thread.ts runs only as a worker thread");
const { fn, codeDir, memoryWatchMs, fault } = workerData as SandboxData;
const send = (message: FromSandbox) => port.postMessage(message);

const dot = fn.handler.lastIndexOf(".");
const file = `${codeDir}/${fn.handler.slice(0, dot)}.js`;
const exported = fn.handler.slice(dot + 1);
const arn = `arn:aws:lambda:${fn.region}:000000000000:function:${fn.name}`;

interface Instance {
  loading: Promise<Handler>;
  /** The invocation running in it now (one at a time), by its request id. */
  running: { id: number; requestId: string } | undefined;
}
/** Instance key (chosen by the main thread) → its module scope. */
const instances = new Map<string, Instance>();
let modulesLoaded = 0;
/** Whose code runs now: the instance key, through every await and timer it starts. */
const owner = new AsyncLocalStorage<string>();

function errorOf(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** What memorySize caps, for the whole sandbox: heap in use plus memory outside it (Buffers). */
function usedBytes(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** The sandbox's used memory over its live instances. */
function perInstance(): number {
  return Math.round(usedBytes() / Math.max(1, instances.size));
}

/** The whole sandbox goes down: it says why, then its thread ends. */
function crashSandbox(error: SerializedError): never {
  send({ op: "crash", error, perInstance: perInstance(), modulesLoaded });
  realExit(1);
}

const realExit: (code?: number | string) => never = process.exit.bind(process);

/** Thrown into the code that called process.exit, so that none of it runs on. */
class InstanceExited extends Error {}

/** An instance's code went down: that instance goes, the sandbox and its other instances stay. */
function crash(error: SerializedError): void {
  const key = owner.getStore();
  if (key === undefined) crashSandbox(error);
  // An instance already dropped (its leftover timers): nothing more to end.
  if (!instances.delete(key)) return;
  send({ op: "instance-crash", instance: key, error });
}

process.exit = ((code?: number | string | null) => {
  const key = owner.getStore();
  if (key === undefined) realExit(code ?? undefined);
  const running = key === undefined ? undefined : instances.get(key)?.running;
  crash(errorOf(exitError(running ? [running.requestId] : [], Number(code ?? 0))));
  throw new InstanceExited("process.exit");
}) as typeof process.exit;
process.on("uncaughtException", (err) => {
  if (!(err instanceof InstanceExited)) crash(errorOf(err));
});
process.on("unhandledRejection", (reason) => {
  if (reason instanceof InstanceExited) return;
  const { name, message, stack } = errorOf(reason);
  crash({ name: UNHANDLED_REJECTION, message: `${name}: ${message}`, ...(stack && { stack }) });
});

/**
 * The memory watch: every `memoryWatchMs` while an invocation runs, ten times less often while
 * none does (code a finished invocation left behind may still allocate), so an idle sandbox
 * costs next to nothing.
 */
let watch: NodeJS.Timeout | undefined;
let watchingBusy = false;
const busy = () => [...instances.values()].some((i) => i.running !== undefined);
function scheduleWatch(fast: boolean): void {
  clearTimeout(watch);
  watchingBusy = fast;
  watch = setTimeout(checkMemory, fast ? memoryWatchMs : memoryWatchMs * 10);
}
function checkMemory(): void {
  const used = usedBytes();
  const allowed = fn.memorySize * 2 ** 20 * Math.max(1, instances.size);
  if (used > allowed) {
    const requests = [...instances.values()].flatMap((i) => i.running?.requestId ?? []);
    const { name, message } = outOfMemoryError(
      requests,
      used,
      fn.memorySize * Math.max(1, instances.size),
    );
    crashSandbox({ name, message });
  }
  scheduleWatch(busy());
}
scheduleWatch(false);

/** A new instance: its module loaded and run; an init error drops it (the next call starts afresh). */
function load(key: string): Instance {
  modulesLoaded += 1;
  const loading = owner.run(key, () => instantiateHandler(file, exported, fn.env));
  const instance: Instance = { loading, running: undefined };
  loading.catch(() => {
    if (instances.get(key) === instance) instances.delete(key);
  });
  return instance;
}

async function invoke(message: Extract<ToSandbox, { op: "invoke" }>): Promise<void> {
  let instance = instances.get(message.instance);
  if (!instance) {
    instance = load(message.instance);
    instances.set(message.instance, instance);
  }
  instance.running = { id: message.id, requestId: message.requestId };
  if (!watchingBusy) scheduleWatch(true);
  const answer = (
    outcome:
      | { ok: true; result: unknown }
      | { ok: false; initFailed: boolean; error: SerializedError },
  ) =>
    send({ op: "result", id: message.id, ...outcome, perInstance: perInstance(), modulesLoaded });
  let handler: Handler;
  try {
    handler = await instance.loading;
  } catch (err) {
    answer({ ok: false, initFailed: true, error: errorOf(err) });
    return;
  }
  const context = lambdaContext({
    functionName: fn.name,
    invokedFunctionArn: arn,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: message.requestId,
    // As function-specs.ts sets them in the function's environment.
    logGroupName: fn.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${fn.name}`,
    logStreamName: fn.env.AWS_LAMBDA_LOG_STREAM_NAME ?? `local/[$LATEST]${fn.name}`,
    clientContext: message.clientContext,
    deadline: Date.now() + fn.timeoutMs,
  });
  try {
    const result = await owner.run(message.instance, () => {
      if (fault) runFault(fault);
      return callHandler(handler, message.event, context);
    });
    answer({ ok: true, result });
  } catch (err) {
    answer({ ok: false, initFailed: false, error: errorOf(err) });
  } finally {
    if (instance.running?.id === message.id) instance.running = undefined;
  }
}

function stats(): SandboxStats {
  const heap = getHeapStatistics();
  return {
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    external: heap.external_memory,
    instances: instances.size,
    modulesLoaded,
    resources: activeResources(),
  };
}

port.on("message", (message: ToSandbox) => {
  switch (message.op) {
    case "invoke":
      void invoke(message);
      break;
    case "discard":
      instances.delete(message.instance);
      break;
    case "ping":
      if (message.gc) collectGarbage();
      send({ op: "pong", id: message.id, stats: stats() });
      break;
  }
});

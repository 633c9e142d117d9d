/**
 * One instance's sandbox: the entry of the worker thread in which one instance of one function
 * lives (sandbox.ts starts it), as a Lambda execution environment is a sandbox of its own. The
 * function's module is loaded once (its cold start), then the main thread sends invocations,
 * one at a time, and gets results back over the thread's port.
 *
 * What ends the sandbox, as each ends a Lambda execution environment: `process.exit` (it ends
 * this thread only), an uncaught exception or unhandled rejection (reported, then the thread
 * exits), memory past memorySize (the V8 heap has memorySize as its hard limit, and a watch
 * samples heap + external memory such as Buffers, which the heap limit does not see).
 */
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { callHandler, type Handler, lambdaContext } from "../../common/lambda/call-handler";
import { activeResources } from "../../common/process-stats";
import { instantiateHandler } from "./handler-module";
import { outOfMemoryError, UNHANDLED_REJECTION } from "./lambda-errors";
import type {
  FromSandbox,
  SandboxData,
  SandboxStats,
  SerializedError,
  ToSandbox,
} from "./sandbox-protocol";

const port = parentPort;
if (!port) throw new Error("sandbox-thread.ts runs only as a worker thread");
const { fn, codeDir, memoryWatchMs } = workerData as SandboxData;
const send = (message: FromSandbox) => port.postMessage(message);

const dot = fn.handler.lastIndexOf(".");
const file = `${codeDir}/${fn.handler.slice(0, dot)}.js`;
const arn = `arn:aws:lambda:${fn.region}:000000000000:function:${fn.name}`;
const memoryLimit = fn.memorySize * 2 ** 20;
/** The invocation running now: a crash is reported as its failure. */
let running: string | undefined;

/** Heap in use plus memory outside it (Buffers): what memorySize caps. */
function memoryUsed(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}
let maxMemoryUsed = memoryUsed();

function sample(): number {
  const used = memoryUsed();
  if (used > maxMemoryUsed) maxMemoryUsed = used;
  return used;
}

/** The sandbox's peak so far, sampled now too (Lambda's Max Memory Used). */
function peak(): number {
  sample();
  return maxMemoryUsed;
}

function errorOf(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** The sandbox goes down: it says why, then its thread ends (as Lambda's runtime exits). */
function crash(error: SerializedError): never {
  send({ op: "crash", error, maxMemoryUsed });
  process.exit(1);
}

process.on("uncaughtException", (err) => crash(errorOf(err)));
process.on("unhandledRejection", (reason) => {
  const { name, message, stack } = errorOf(reason);
  crash({ name: UNHANDLED_REJECTION, message: `${name}: ${message}`, ...(stack && { stack }) });
});
setInterval(() => {
  const used = sample();
  if (used > memoryLimit) {
    const { name, message } = outOfMemoryError(
      running ?? "(between invocations)",
      used,
      fn.memorySize,
    );
    crash({ name, message });
  }
}, memoryWatchMs);

// The module loads at once, while the first invocation is on its way (both are the cold start).
const loading: Promise<Handler> = instantiateHandler(file, fn.handler.slice(dot + 1), fn.env);
loading.catch(() => undefined); // reported to the invocation that awaits it

async function invoke(message: Extract<ToSandbox, { op: "invoke" }>): Promise<void> {
  running = message.requestId;
  let handler: Handler;
  try {
    handler = await loading;
  } catch (err) {
    send({
      op: "result",
      id: message.id,
      ok: false,
      initFailed: true,
      error: errorOf(err),
      maxMemoryUsed: peak(),
    });
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
    const result = await callHandler(handler, message.event, context);
    send({ op: "result", id: message.id, ok: true, result, maxMemoryUsed: peak() });
  } catch (err) {
    send({
      op: "result",
      id: message.id,
      ok: false,
      initFailed: false,
      error: errorOf(err),
      maxMemoryUsed: peak(),
    });
  } finally {
    running = undefined;
  }
}

function stats(): SandboxStats {
  const heap = getHeapStatistics();
  return {
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    external: heap.external_memory,
    maxMemoryUsed,
    resources: activeResources(),
  };
}

port.on("message", (message: ToSandbox) => {
  if (message.op === "invoke") void invoke(message);
  else send({ op: "pong", id: message.id, stats: stats() });
});

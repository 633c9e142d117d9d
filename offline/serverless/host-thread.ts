/**
 * The function host: a worker thread where every instance of every function runs, each in a
 * module scope of its own (handler-module.ts). It is the entry of that thread; the local
 * cloud's main thread (host-client.ts) sends it invocations and gets results back, over the
 * thread's one message port.
 *
 * Why a thread of its own, and only one: the main thread carries serverless-offline (hapi,
 * building API Gateway events), fauxqs and the Upstash bridge; the functions (the worker's
 * mining loop with its HTTP calls above all) run here, on the machine's other core. One
 * thread rather than one per instance (serverless-offline's way): a V8 isolate costs tens of
 * MB, and a message channel per call costs CPU and, in serverless-offline 13, leaked.
 */
import { getHeapStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";
import { callHandler, type Handler, lambdaContext } from "../../common/lambda/call-handler";
import { activeResources } from "../../common/process-stats";
import { instantiateHandler } from "./handler-module";
import type { FromHost, HostedFunction, HostStats, ToHost } from "./host-protocol";

const port = parentPort;
if (!port) throw new Error("host-thread.ts runs only as a worker thread");

/** A function as the host runs it: its names for the Lambda context, worked out once. */
interface Hosted extends HostedFunction {
  file: string;
  exported: string;
  arn: string;
  logGroupName: string;
  logStreamName: string;
}

let functions = new Map<string, Hosted>();
/** Instance key (chosen by the main thread) → its loaded module's handler. */
const instances = new Map<string, Promise<Handler>>();
/** Module scopes created per function name (HostStats.modulesLoaded). */
const modulesLoaded: Record<string, number> = {};

const send = (message: FromHost) => port.postMessage(message);

function stats(): HostStats {
  const heap = getHeapStatistics();
  return {
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    instances: instances.size,
    modulesLoaded: { ...modulesLoaded },
    resources: activeResources(),
  };
}

function hosted(fn: HostedFunction, codeDir: string): Hosted {
  const dot = fn.handler.lastIndexOf(".");
  return {
    ...fn,
    file: `${codeDir}/${fn.handler.slice(0, dot)}.js`,
    exported: fn.handler.slice(dot + 1),
    arn: `arn:aws:lambda:${fn.region}:000000000000:function:${fn.name}`,
    // As function-specs.ts sets them in the function's environment.
    logGroupName: fn.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${fn.name}`,
    logStreamName: fn.env.AWS_LAMBDA_LOG_STREAM_NAME ?? `local/[$LATEST]${fn.name}`,
  };
}

/** A new instance: its module loaded and run; an init error lets the next call start afresh. */
function load(fn: Hosted, instance: string): Promise<Handler> {
  modulesLoaded[fn.name] = (modulesLoaded[fn.name] ?? 0) + 1;
  const loading = instantiateHandler(fn.file, fn.exported, fn.env);
  loading.catch(() => {
    if (instances.get(instance) === loading) instances.delete(instance);
  });
  return loading;
}

function errorOf(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** Runs one invocation: the handler's promise, or its callback, decides the result. */
function run(handler: Handler, fn: Hosted, message: Extract<ToHost, { op: "invoke" }>) {
  const context = lambdaContext({
    functionName: fn.name,
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: message.requestId,
    logGroupName: fn.logGroupName,
    logStreamName: fn.logStreamName,
    clientContext: message.clientContext,
    deadline: Date.now() + fn.timeoutMs,
  });
  return callHandler(handler, message.event, context);
}

async function invoke(message: Extract<ToHost, { op: "invoke" }>): Promise<void> {
  const fn = functions.get(message.fn);
  if (!fn) {
    send({
      op: "result",
      id: message.id,
      ok: false,
      coldStart: false,
      initFailed: true,
      error: errorOf(new Error(`no function ${message.fn}`)),
    });
    return;
  }
  let loading = instances.get(message.instance);
  const coldStart = loading === undefined;
  if (!loading) {
    loading = load(fn, message.instance);
    instances.set(message.instance, loading);
  }
  let handler: Handler;
  try {
    handler = await loading;
  } catch (err) {
    send({
      op: "result",
      id: message.id,
      ok: false,
      coldStart,
      initFailed: true,
      error: errorOf(err),
    });
    return;
  }
  try {
    const result = await run(handler, fn, message);
    send({ op: "result", id: message.id, ok: true, coldStart, result });
  } catch (err) {
    send({
      op: "result",
      id: message.id,
      ok: false,
      coldStart,
      initFailed: false,
      error: errorOf(err),
    });
  }
}

port.on("message", (message: ToHost) => {
  switch (message.op) {
    case "configure":
      functions = new Map(message.functions.map((fn) => [fn.name, hosted(fn, message.codeDir)]));
      break;
    case "invoke":
      void invoke(message);
      break;
    case "discard":
      instances.delete(message.instance);
      break;
    case "reload":
      instances.clear();
      break;
    case "ping":
      send({ op: "pong", id: message.id, stats: stats() });
      break;
  }
});

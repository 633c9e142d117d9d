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
import { callHandler, type Handler, lambdaContext } from "../lambda/call-handler";
import { instantiateHandler } from "./handler-module";
import type { FromHost, HostedFunction, HostStats, ToHost } from "./host-protocol";

const port = parentPort;
if (!port) throw new Error("function-host.ts runs only as a worker thread");

let functions = new Map<string, HostedFunction>();
let codeDir = "";
/** Instance key (chosen by the main thread) → its loaded module's handler. */
const instances = new Map<string, Promise<Handler>>();

const send = (message: FromHost) => port.postMessage(message);

function stats(): HostStats {
  const heap = getHeapStatistics();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return {
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    instances: instances.size,
    resources,
  };
}

function load(fn: HostedFunction): Promise<Handler> {
  const dot = fn.handler.lastIndexOf(".");
  const file = `${codeDir}/${fn.handler.slice(0, dot)}.js`;
  return instantiateHandler(file, fn.handler.slice(dot + 1), fn.env);
}

function errorOf(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** Runs one invocation: the handler's promise, or its callback, decides the result. */
function run(handler: Handler, fn: HostedFunction, message: Extract<ToHost, { op: "invoke" }>) {
  const context = lambdaContext({
    functionName: fn.name,
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${fn.name}`,
    clientContext: message.clientContext,
    deadline: Date.now() + message.timeoutMs,
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
      error: errorOf(new Error(`no function ${message.fn}`)),
    });
    return;
  }
  let loading = instances.get(message.instance);
  const coldStart = loading === undefined;
  if (!loading) {
    loading = load(fn);
    instances.set(message.instance, loading);
  }
  try {
    const handler = await loading.catch((err: unknown) => {
      instances.delete(message.instance); // an init error: the next call starts afresh
      throw err;
    });
    const result = await run(handler, fn, message);
    send({ op: "result", id: message.id, ok: true, coldStart, result });
  } catch (err) {
    send({ op: "result", id: message.id, ok: false, coldStart, error: errorOf(err) });
  }
}

port.on("message", (message: ToHost) => {
  switch (message.op) {
    case "configure":
      functions = new Map(message.functions.map((fn) => [fn.name, fn]));
      codeDir = message.codeDir;
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

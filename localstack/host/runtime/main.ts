/**
 * One Lambda execution environment for Node.js as a plain host process: what the host
 * executor (localstack/host/src/localstack_host_executor/) starts instead of a container. It
 * loads the function's handler (INIT), then answers LocalStack's `POST /invoke` on a free
 * loopback port with each invocation's result and logs (invocation.ts), one at a time.
 * Every line it or the function writes goes into the invocation's logs (CloudWatch Logs,
 * `Invoke` with LogType=Tail) and to the executor, which keeps them for LocalStack's log.
 * After a timeout or a crash it exits, and the executor starts a fresh one, as Lambda does.
 *
 * Bundled by common/run-ts.cjs at `localstack:up`: no dependencies but Node's own modules.
 */

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { format } from "node:util";
import { BodyReadError, readBody } from "../../../common/http-body";
import { LOOPBACK_ONLY, refuseForeign } from "../../../common/http-guard";
import type { Handler } from "../../../common/lambda/call-handler";
import { errorPayload } from "./errors";
import { loadHandler } from "./handler";
import {
  formatConsoleLine,
  Invocation,
  type InvocationRequest,
  type RuntimeInfo,
} from "./invocation";
import { LocalStackApi } from "./localstack-api";

const env = process.env;
const endpoint = env.LOCALSTACK_RUNTIME_ENDPOINT ?? "";
const runtimeId = env.LOCALSTACK_RUNTIME_ID ?? "";
const listenHost = env.LOCALSTACK_INTEROP_HOST ?? "127.0.0.1";
const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerName = env._HANDLER ?? "";
/** How often the runtime checks that LocalStack, its parent, is still there. */
const PARENT_CHECK_MS = 1_000;
/** Exit status after a timeout (the executor starts a fresh process for the next invoke). */
const TIMED_OUT_EXIT = 124;
/** Must equal endpoint.py's RESULT and LOGS_LENGTH. */
const RESULT = "x-host-runtime-result";
const LOGS_LENGTH = "x-host-runtime-logs-length";

if (endpoint === "" || runtimeId === "") {
  process.stderr.write(
    "host-runtime: LOCALSTACK_RUNTIME_ENDPOINT and LOCALSTACK_RUNTIME_ID are required\n",
  );
  process.exit(2);
}
/**
 * The largest /invoke body taken: twice the payload limit LocalStack passes (Lambda's 6 MB), as
 * the payload arrives escaped inside the invocation's JSON. Over it: 413, as our servers answer.
 */
const INVOKE_BODY_MAX_BYTES = 2 * (Number(env.LOCALSTACK_MAX_PAYLOAD_SIZE) || 6 * 1024 * 1024);
// The Go init hides its internal variables from the function (cmd/localstack/main.go:72-88).
const INTERNAL_VARIABLES = [
  "LOCALSTACK_RUNTIME_ENDPOINT",
  "LOCALSTACK_RUNTIME_ID",
  "LOCALSTACK_INTEROP_HOST",
  "LOCALSTACK_FUNCTION_ACCOUNT_ID",
  "LOCALSTACK_INIT_LOG_LEVEL",
  "LOCALSTACK_POST_INVOKE_WAIT_MS",
  "LOCALSTACK_MAX_PAYLOAD_SIZE",
  "LOCALSTACK_CHMOD_PATHS",
  "LOCALSTACK_USER",
];
for (const name of INTERNAL_VARIABLES) delete env[name];

// ---- logs: whatever is written to stdout or stderr joins the current invocation's logs ----
const writeOut = process.stdout.write.bind(process.stdout);
let logChunks: string[] = [];
const capture = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
  logChunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
  return writeOut(chunk, ...(rest as [BufferEncoding]));
};
process.stdout.write = capture as typeof process.stdout.write;
process.stderr.write = capture as typeof process.stderr.write;

let requestId: string | undefined;
const info: RuntimeInfo = {
  env,
  timeoutSeconds: Number(env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 3),
  version: env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
  memory: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
  takeLogs() {
    const text = logChunks.join("");
    logChunks = [];
    return text;
  },
  setRequestId(id) {
    requestId = id;
  },
  consoleLine(level, args) {
    process.stdout.write(formatConsoleLine(requestId, level, args));
  },
};
for (const [method, level] of [
  ["log", "INFO"],
  ["info", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["debug", "DEBUG"],
] as const) {
  console[method] = (...args: unknown[]) => info.consoleLine(level, args);
}

const api = new LocalStackApi(endpoint, runtimeId, (line) => writeOut(line));
let handler: Handler | undefined;
let initDurationMs: number | undefined;
let current: Invocation | undefined;

/** Strictly one at a time (LocalStack sends one per environment anyway). */
let queue: Promise<void> = Promise.resolve();

function answer(res: ServerResponse, fn: Handler, request: InvocationRequest): void {
  queue = queue.then(async () => {
    const invocation = new Invocation(request, info, initDurationMs);
    initDurationMs = undefined;
    current = invocation;
    const outcome = await invocation.run(fn);
    current = undefined;
    const logs = Buffer.from(outcome.logs, "utf8");
    const body = Buffer.concat([logs, Buffer.from(outcome.payload, "utf8")]);
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": body.length,
      [RESULT]: outcome.kind,
      [LOGS_LENGTH]: logs.length,
    });
    await new Promise<void>((resolve) => res.end(body, resolve));
    if (outcome.timedOut) process.exit(TIMED_OUT_EXIT);
  });
  // A failed answer (LocalStack hung up) must not stop the invocations after it.
  queue = queue.catch((err: unknown) => {
    writeOut(`host-runtime: answering an invocation failed: ${format(err)}\n`);
  });
}

/** A crash fails the invocation it happened in and ends the runtime, as on Lambda. */
async function fatal(err: unknown, type: string): Promise<void> {
  const payload = errorPayload(err, type);
  info.consoleLine("ERROR", [`${type}: ${err instanceof Error ? err.stack : format(err)}`]);
  if (current !== undefined) {
    const errorType = type === "Runtime.UnhandledPromiseRejection" ? type : payload.errorType;
    current.fail({ ...payload, errorType });
    await queue; // the answer is sent
  } else if (handler === undefined) {
    await api.initError(payload);
  }
  process.exit(1);
}
process.on("uncaughtException", (err) => void fatal(err, "Runtime.UncaughtException"));
process.on(
  "unhandledRejection",
  (reason) => void fatal(reason, "Runtime.UnhandledPromiseRejection"),
);
process.on("SIGTERM", () => process.exit(0));
// Never outlive LocalStack (a SIGKILL of it, say): this runs in a session of its own.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(0), PARENT_CHECK_MS).unref();

/**
 * AWS starts an environment's logs with its runtime's version; here it names the host node that
 * stands in for it (the executor's choice, node.py), which is how `deploy:local` and
 * `smoke:local` tell which Node ran the functions. It joins the first invocation's logs.
 */
const initStartLine = (executionEnv: string | undefined) =>
  `INIT_START Runtime Version: ${(executionEnv ?? "").replace(/^AWS_Lambda_/, "") || "nodejs"} ` +
  `on host node ${process.version} (${process.execPath})\n`;

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  process.stdout.write(initStartLine(env.AWS_EXECUTION_ENV));
  let fn: Handler;
  try {
    fn = await loadHandler(taskRoot, handlerName);
  } catch (err) {
    const payload = errorPayload(err, "Runtime.ImportModuleError");
    info.consoleLine("ERROR", [`Uncaught Exception \t${JSON.stringify(payload)}`]);
    await api.initError(payload);
    process.exit(1);
  }
  handler = fn;
  initDurationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const server = createServer((req, res) => {
    // Only the executor calls it (no Origin, a loopback Host): pages are refused as everywhere.
    if (refuseForeign(req, res, LOOPBACK_ONLY)) return;
    if (req.method !== "POST" || req.url !== "/invoke") {
      res.writeHead(404).end();
      return;
    }
    readBody(req, INVOKE_BODY_MAX_BYTES).then(
      (body) => {
        let request: InvocationRequest;
        try {
          request = JSON.parse(body.toString("utf8")) as InvocationRequest;
        } catch {
          res.writeHead(400).end("bad invoke body");
          return;
        }
        answer(res, fn, request);
      },
      (err: unknown) => {
        // Otherwise the request broke off (the executor hung up): nobody to answer, close ours.
        if (!(err instanceof BodyReadError && err.reason === "too large")) {
          res.destroy();
          return;
        }
        const error = `invoke body over ${INVOKE_BODY_MAX_BYTES} bytes`;
        res.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify({ error }));
      },
    );
  });
  // The executor keeps one connection for the environment's life, and LocalStack may leave an
  // environment idle for 10 minutes (LAMBDA_KEEPALIVE_MS): no idle timeout on our side.
  server.keepAliveTimeout = 0;
  server.listen(0, listenHost, () => {
    void api.ready((server.address() as AddressInfo).port);
  });
}
void main();

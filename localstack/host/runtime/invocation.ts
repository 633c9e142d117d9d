/**
 * One invocation as the AWS Node.js runtime runs it: START, the handler's console lines as
 * `<time>\t<request id>\t<LEVEL>\t<message>`, END and REPORT (with the Init Duration on the
 * first one), the timeout error when the function's time is up, and the error shapes of
 * errors.ts. It settles once with the payload and everything written meanwhile (the logs).
 */
import { format } from "node:util";
import { callHandler, type Handler, lambdaContext } from "../../../common/lambda/call-handler";
import { errorPayload, RuntimeError, timeoutPayload } from "./errors";

/** What LocalStack POSTs to /invoke (execution_environment.py:382-387). */
export interface InvocationRequest {
  "invoke-id": string;
  "invoked-function-arn": string;
  payload?: string;
  "trace-id"?: string;
}

export interface InvocationOutcome {
  kind: "response" | "error";
  payload: string;
  logs: string;
  timedOut: boolean;
}

export interface RuntimeInfo {
  env: NodeJS.ProcessEnv;
  timeoutSeconds: number;
  version: string;
  memory: string;
  /** Everything written to stdout and stderr since the last call. */
  takeLogs(): string;
  /** Sets the request id that console lines carry (undefined between invocations, as on AWS). */
  setRequestId(id: string | undefined): void;
  consoleLine(level: string, args: unknown[]): void;
}

/**
 * Lambda's Max Memory Used is the peak, as the executor reports it (process.py, the kernel's
 * VmHWM, in whole MB): the largest resident memory so far, which maxRSS gives in kB.
 */
const maxMemoryUsedMb = () => Math.floor(process.resourceUsage().maxRSS / 1024);

export class Invocation {
  private settled = false;
  private readonly started = process.hrtime.bigint();
  private timer: NodeJS.Timeout | undefined;
  readonly outcome: Promise<InvocationOutcome>;
  private resolve!: (outcome: InvocationOutcome) => void;

  constructor(
    private readonly request: InvocationRequest,
    private readonly info: RuntimeInfo,
    /** Reported by the first invocation after INIT only. */
    private readonly initDurationMs: number | undefined,
  ) {
    this.outcome = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  get id(): string {
    return this.request["invoke-id"];
  }

  run(fn: Handler): Promise<InvocationOutcome> {
    const { env, timeoutSeconds, version } = this.info;
    this.info.setRequestId(this.id);
    env._X_AMZN_TRACE_ID = this.request["trace-id"] ?? "";
    process.stdout.write(`START RequestId: ${this.id} Version: ${version}\n`);
    const deadline = Date.now() + timeoutSeconds * 1000;
    this.timer = setTimeout(() => {
      const seconds = timeoutSeconds.toFixed(2);
      const line = `${new Date().toISOString()} ${this.id} Task timed out after ${seconds} seconds\n`;
      this.finish("error", timeoutPayload(this.id, timeoutSeconds), line, true);
    }, timeoutSeconds * 1000);
    void this.call(fn, deadline);
    return this.outcome;
  }

  /** Ends the invocation with an error from outside (an uncaught exception, say). */
  fail(payload: unknown): void {
    this.finish("error", payload);
  }

  private async call(fn: Handler, deadline: number): Promise<void> {
    const raw = this.request.payload;
    let event: unknown;
    try {
      event = JSON.parse(raw === undefined || raw === "" ? "null" : raw);
    } catch (err) {
      const message = `Unable to parse event: ${(err as Error).message}`;
      this.finish("error", errorPayload(new RuntimeError("Runtime.UnmarshalError", message)));
      return;
    }
    const { env } = this.info;
    // LocalStack does not forward ClientContext (execution_environment.py:382-387).
    const context = lambdaContext({
      functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? "",
      functionVersion: this.info.version,
      invokedFunctionArn: this.request["invoked-function-arn"],
      memoryLimitInMB: this.info.memory,
      awsRequestId: this.id,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      deadline,
    });
    let result: unknown;
    try {
      result = await callHandler(fn, event, context);
    } catch (err) {
      const payload = errorPayload(err);
      this.info.consoleLine("ERROR", [`Invoke Error \t${JSON.stringify(payload)}`]);
      this.finish("error", payload);
      return;
    }
    this.finish("response", result === undefined ? null : result);
  }

  private finish(kind: "response" | "error", value: unknown, extraLog = "", timedOut = false) {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    let payload: string;
    try {
      payload = JSON.stringify(value);
    } catch (err) {
      const malformed = new RuntimeError(
        "Runtime.MalformedHandlerResponse",
        (err as Error).message,
      );
      kind = "error";
      payload = JSON.stringify(errorPayload(malformed));
    }
    process.stdout.write(extraLog);
    const ms = Number(process.hrtime.bigint() - this.started) / 1e6;
    const init =
      this.initDurationMs === undefined
        ? ""
        : `Init Duration: ${this.initDurationMs.toFixed(2)} ms\t`;
    process.stdout.write(`END RequestId: ${this.id}\n`);
    process.stdout.write(
      `REPORT RequestId: ${this.id}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\t` +
        `Memory Size: ${this.info.memory} MB\tMax Memory Used: ${maxMemoryUsedMb()} MB\t${init}\n`,
    );
    this.info.setRequestId(undefined);
    this.resolve({ kind, payload, logs: this.info.takeLogs(), timedOut });
  }
}

/** console.* as the AWS runtime prints it; newlines inside one call become \r. */
export function formatConsoleLine(
  requestId: string | undefined,
  level: string,
  args: unknown[],
): string {
  const message = format(...args).replace(/\n/g, "\r");
  return `${new Date().toISOString()}\t${requestId}\t${level}\t${message}\n`;
}

/**
 * Errors as the AWS Node.js runtime reports them (`{errorType, errorMessage, trace}`), and
 * the runtime's own error types (`Runtime.ImportModuleError`, …), so that a function fails on
 * the host as it would on Lambda: same shapes in the Invoke payload and in the logs.
 */
import { inspect } from "node:util";

export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** An error of a named Lambda runtime type, e.g. "Runtime.HandlerNotFound". */
export class RuntimeError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export function errorPayload(err: unknown, fallbackType = "Error"): ErrorPayload {
  if (err instanceof Error) {
    return {
      errorType: err.name && err.name !== "Error" ? err.name : fallbackType,
      errorMessage: err.message,
      trace: String(err.stack ?? "").split("\n"),
    };
  }
  return {
    errorType: fallbackType === "Error" ? typeof err : fallbackType,
    errorMessage: typeof err === "string" ? err : inspect(err),
    trace: [],
  };
}

export function timeoutPayload(requestId: string, timeoutSeconds: number): ErrorPayload {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    trace: [],
  };
}

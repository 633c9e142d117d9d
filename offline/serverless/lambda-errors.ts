/**
 * How an invocation fails, in Lambda's own terms, so that every caller sees what it would see
 * on AWS: the handler's error keeps its type; a sandbox that dies takes its invocation with it
 * as `Runtime.ExitError`, `Runtime.OutOfMemory` or `Runtime.UnhandledPromiseRejection`.
 * serverless-offline's HTTP layer names the error by its constructor (`err.constructor.name`)
 * and answers 502 (API Gateway's answer to a failed function): each error type is a class of
 * that name.
 */

/** Where an invocation failed: its handler, its module's init, its sandbox dying. */
export type FailureKind = "handler" | "init" | "crash";

export class FunctionError extends Error {
  constructor(
    /** Lambda's errorType: the handler's error name, or Runtime.* for a sandbox that died. */
    readonly errorType: string,
    message: string,
    readonly kind: FailureKind,
    stack?: string,
  ) {
    super(message);
    this.name = errorType;
    // The first line names the type, as Lambda's trace does (Runtime.* wraps another error's
    // stack): serverless-offline's invoke API reads the type from it (hapi-servers.ts).
    if (stack) this.stack = stack.replace(/^[^\n]*/, `${errorType}: ${message}`);
  }

  /** A handler's own error leaves its instance warm; a failed init or a crash ends it. */
  get endsInstance(): boolean {
    return this.kind !== "handler";
  }
}

const classes = new Map<string, typeof FunctionError>();

/** A FunctionError whose constructor is named `errorType` (what serverless-offline reports). */
export function functionError(
  errorType: string,
  message: string,
  kind: FailureKind,
  stack?: string,
): FunctionError {
  let named = classes.get(errorType);
  if (!named) {
    named = { [errorType]: class extends FunctionError {} }[errorType] as typeof FunctionError;
    classes.set(errorType, named);
  }
  return new named(errorType, message, kind, stack);
}

export const OUT_OF_MEMORY = "Runtime.OutOfMemory";
export const EXIT_ERROR = "Runtime.ExitError";
export const UNHANDLED_REJECTION = "Runtime.UnhandledPromiseRejection";

/** The sandbox's code called process.exit (or its thread ended) while it ran an invocation. */
export function exitError(requestId: string, code: number): FunctionError {
  return functionError(
    EXIT_ERROR,
    `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
    "crash",
  );
}

/** The sandbox went past its memorySize and was stopped. */
export function outOfMemoryError(
  requestId: string,
  usedBytes: number,
  memorySize: number,
): FunctionError {
  const used = Math.round(usedBytes / 2 ** 20);
  return functionError(
    OUT_OF_MEMORY,
    `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (memory used ${used} MB, memorySize ${memorySize} MB)`,
    "crash",
  );
}

/** serverless-offline's answer to a timeout: its HTTP layer turns "[504]" into the status. */
export class LambdaTimeoutError extends Error {
  override name = "LambdaTimeoutError";
  constructor() {
    super("[504] - Lambda timeout.");
  }
}

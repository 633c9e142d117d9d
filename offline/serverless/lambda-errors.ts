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

/**
 * Whom a runtime's end fails: the request ids it was running, or "(between invocations)" when
 * code a finished invocation left behind (a timer) ended it, as Lambda's own message says.
 */
function requestIdsText(requestIds: readonly string[]): string {
  return requestIds.join(", ") || "(between invocations)";
}

/**
 * Lambda's message for a runtime that ended: `how` is "exit status 1" or "signal: killed",
 * `why` the local cloud's own explanation (in parentheses, after Lambda's words).
 */
export function runtimeExited(
  errorType: string,
  requestIds: readonly string[],
  how: string,
  why?: string,
): FunctionError {
  const because = why === undefined ? "" : ` (${why})`;
  return functionError(
    errorType,
    `RequestId: ${requestIdsText(requestIds)} Error: Runtime exited with error: ${how}${because}`,
    "crash",
  );
}

/** The sandbox's code called process.exit (or its thread ended) while it ran an invocation. */
export function exitError(requestIds: readonly string[], code: number, why?: string) {
  return runtimeExited(EXIT_ERROR, requestIds, `exit status ${code}`, why);
}

/** The sandbox went past its memorySize and was stopped. */
export function outOfMemoryError(
  requestIds: readonly string[],
  usedBytes: number,
  memorySize: number,
): FunctionError {
  const used = Math.round(usedBytes / 2 ** 20);
  return runtimeExited(
    OUT_OF_MEMORY,
    requestIds,
    "signal: killed",
    `memory used ${used} MB, memorySize ${memorySize} MB`,
  );
}

/** serverless-offline's answer to a timeout: its HTTP layer turns "[504]" into the status. */
export class LambdaTimeoutError extends Error {
  override name = "LambdaTimeoutError";
  constructor() {
    super("[504] - Lambda timeout.");
  }
}

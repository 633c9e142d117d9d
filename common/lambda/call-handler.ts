/**
 * Calling a Node.js Lambda handler as the AWS runtime does: with a Lambda context whose
 * remaining time counts down to the function's timeout, and settling on whichever the handler
 * uses (a returned promise, the callback, or a plain return from a handler that takes no
 * callback). Shared by the two places that run functions on this machine: the local cloud's
 * function sandboxes (offline/serverless/sandbox-thread.ts) and LocalStack's host runtime
 * (localstack/host/runtime/).
 */

export type Callback = (err?: unknown, value?: unknown) => void;
export type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string | undefined;
  logStreamName: string | undefined;
  identity: undefined;
  clientContext: unknown;
  getRemainingTimeInMillis(): number;
  done?: Callback;
  succeed?: (value: unknown) => void;
  fail?: (err: unknown) => void;
}

export interface ContextFields {
  functionName: string;
  functionVersion?: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName?: string;
  logStreamName?: string;
  clientContext?: unknown;
  /** Epoch ms when the function's time is up. */
  deadline: number;
}

export function lambdaContext(fields: ContextFields): LambdaContext {
  const { deadline, ...rest } = fields;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionVersion: "$LATEST",
    logGroupName: undefined,
    logStreamName: undefined,
    clientContext: undefined,
    identity: undefined,
    ...rest,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Settles with the handler's result: a returned promise, a callback, or a plain return. */
export function callHandler(fn: Handler, event: unknown, context: LambdaContext): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const callback: Callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolvePromise(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err ?? "handled");
    let returned: unknown;
    try {
      returned = fn(event, context, callback);
    } catch (err) {
      callback(err);
      return;
    }
    if (
      returned instanceof Promise ||
      typeof (returned as { then?: unknown })?.then === "function"
    ) {
      (returned as Promise<unknown>).then(
        (value) => callback(null, value),
        (err: unknown) => callback(err ?? "rejected"),
      );
    } else if (fn.length < 3) {
      callback(null, returned); // a synchronous handler without a callback parameter
    }
  });
}

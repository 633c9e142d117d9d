/**
 * What the wings of offline/ hand one another, below all of them: serverless/ (the function
 * runner), sqs/ (queues and pollers) and cloud/ (the report) import these from here, never
 * from each other's modules, so that no two wings depend on each other both ways.
 */

/** What invoking a function produced: its return value, or why it failed. */
export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

/** Invokes a function as AWS's event sources call the Invoke API. */
export type Invoke = (functionName: string, payload: unknown) => Promise<InvokeOutcome>;

/** A queue of the template, as SQS knows it (sqs/emulator.ts creates them). */
export interface QueueRef {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
}

/** A function's `sqs` event: which queue it polls, and how. */
export interface SqsEventSource {
  functionKey: string;
  functionName: string;
  queue: QueueRef;
  batchSize: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
}

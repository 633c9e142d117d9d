/**
 * One worker turn in a process of its own: `node common/run-ts.cjs tests/support/worker-turn.ts
 * '<ticket JSON>'`. The real handler, given one SQS record and a minute to run, as Lambda
 * would; its settings come from the environment the test spawned it with.
 */
import { lambdaContext, sqsEvent, sqsRecord } from "../fixtures/lambda-events";

export async function main([ticket = ""]: string[]): Promise<void> {
  const { handler } = await import("../../functions/worker/handler");
  const result = await handler(sqsEvent(sqsRecord(ticket)), lambdaContext(60_000));
  console.log(JSON.stringify(result));
}

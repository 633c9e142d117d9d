/**
 * The smoke checks that look at LocalStack through AWS APIs rather than the app's HTTP API:
 * the worker's SQS event source mapping, a poison ticket reaching the dead-letter queue
 * through the queue's redrive policy, and the EventBridge schedule firing the supervisor
 * (the supervisor logs its scheduled runs; they reach CloudWatch Logs).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  GetFunctionConcurrencyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from "@aws-sdk/client-lambda";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { SmokeCheckError } from "./smoke-checks";
import { clientOptions, functionName, SERVICE, STAGE } from "./stack";

export const TICKET_QUEUE = `${SERVICE}-${STAGE}-worker-tickets`;
export const DEAD_LETTER_QUEUE = `${TICKET_QUEUE}-dlq`;
/** What the supervisor's log line of a scheduled run holds (functions/worker/supervisor). */
const SCHEDULED_RUN = '"trigger":"schedule"';
const POLL_MS = 2_000;
/** Beyond visibility × receives: the poller's next receive moves the ticket. */
const DEAD_LETTER_SLACK_MS = 30_000;

/** The worker's mapping: enabled, one ticket per invocation, from the ticket queue. */
export async function checkEventSourceMapping(endpoint: string): Promise<string> {
  const lambda = new LambdaClient(clientOptions(endpoint));
  const { EventSourceMappings = [] } = await lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: functionName("worker") }),
  );
  const mapping = EventSourceMappings.find((m) => m.EventSourceArn?.endsWith(`:${TICKET_QUEUE}`));
  if (mapping === undefined)
    throw new SmokeCheckError(`no event source mapping from ${TICKET_QUEUE} to the worker`);
  if (mapping.State !== "Enabled" || mapping.BatchSize !== 1) {
    throw new SmokeCheckError(
      `the worker's mapping is ${mapping.State} with batch size ${mapping.BatchSize}`,
    );
  }
  return mapping.UUID ?? "";
}

/** rng's reserved concurrency (serverless.yml's rngConcurrency): it must reach the function. */
export async function checkReservedConcurrency(endpoint: string): Promise<number> {
  const lambda = new LambdaClient(clientOptions(endpoint));
  const { ReservedConcurrentExecutions } = await lambda.send(
    new GetFunctionConcurrencyCommand({ FunctionName: functionName("rng") }),
  );
  if (ReservedConcurrentExecutions === undefined) {
    throw new SmokeCheckError(
      "rng has no reserved concurrency: reservedConcurrency did not reach it",
    );
  }
  return ReservedConcurrentExecutions;
}

/** A ticket the worker rejects at every delivery (not JSON), unique to this run. */
export async function sendPoisonTicket(
  endpoint: string,
): Promise<{ body: string; deadlineMs: number }> {
  const sqs = new SQSClient(clientOptions(endpoint));
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: TICKET_QUEUE }));
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["VisibilityTimeout", "RedrivePolicy"],
    }),
  );
  const receives = Number(
    (JSON.parse(Attributes.RedrivePolicy ?? "{}") as { maxReceiveCount?: unknown }).maxReceiveCount,
  );
  const visibility = Number(Attributes.VisibilityTimeout);
  if (!(receives > 0) || !(visibility > 0))
    throw new SmokeCheckError(`${TICKET_QUEUE} has no redrive policy to a DLQ`);
  const body = `smoke-poison-ticket ${new Date().toISOString()}`;
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  return { body, deadlineMs: Date.now() + receives * visibility * 1000 + DEAD_LETTER_SLACK_MS };
}

/**
 * Waits for the poison ticket in the DLQ, runs `whileThere` (checks that need it there), then
 * deletes it; resolves with its receive count.
 */
export async function waitForDeadLetter(
  endpoint: string,
  poison: { body: string; deadlineMs: number },
  whileThere: () => Promise<void> = async () => {},
): Promise<number> {
  const sqs = new SQSClient(clientOptions(endpoint));
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: DEAD_LETTER_QUEUE }));
  while (Date.now() < poison.deadlineMs) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        // Others stay visible: only ours is taken out.
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    const dead = Messages.find((m) => m.Body === poison.body);
    if (dead !== undefined) {
      await whileThere();
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: dead.ReceiptHandle }));
      return Number(dead.Attributes?.ApproximateReceiveCount ?? 0);
    }
    await sleep(POLL_MS);
  }
  throw new SmokeCheckError(
    `the poison ticket did not reach ${DEAD_LETTER_QUEUE} in time (look at the worker's logs)`,
  );
}

/** Waits for a supervisor run started by its EventBridge schedule after `sinceMs`. */
export async function waitForScheduledRun(
  endpoint: string,
  sinceMs: number,
  timeoutMs: number,
): Promise<number> {
  const logs = new CloudWatchLogsClient(clientOptions(endpoint));
  const logGroupName = `/aws/lambda/${functionName("supervisor")}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { events = [] } = await logs.send(
        new FilterLogEventsCommand({ logGroupName, startTime: sinceMs }),
      );
      const run = events.find(
        (e) => e.message?.includes(SCHEDULED_RUN) && (e.timestamp ?? 0) >= sinceMs,
      );
      if (run !== undefined) return run.timestamp ?? 0;
    } catch (err) {
      // The group appears with the first invocation's logs.
      if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
    }
    await sleep(POLL_MS);
  }
  throw new SmokeCheckError(
    `the supervisor logged no scheduled run within ${timeoutMs / 1000} s: the EventBridge rule does not fire`,
  );
}

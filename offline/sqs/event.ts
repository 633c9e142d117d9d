/**
 * Pure parts of the local SQS event source mapping (see poller.ts): turning received messages
 * into the event Lambda gives a function, deciding which messages to delete after an invocation,
 * and the retry backoff schedule. No I/O, so each rule is unit-tested on its own.
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";
import type { InvokeOutcome } from "../contracts";

/** A received message lacks a field every SQS message has (MessageId, ReceiptHandle). */
export class SqsEventError extends Error {
  override name = "SqsEventError";
}

const DEFAULT_REGION = "us-east-1";

/** arn:aws:sqs:<region>:<account>:<name> → region. */
export function regionOfArn(arn: string): string {
  const region = arn.split(":")[3];
  return region !== undefined && region !== "" ? region : DEFAULT_REGION;
}

/** SDK shape (StringValue, BinaryValue bytes) → Lambda shape (stringValue, base64 binaryValue). */
export function toLambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    // Key order as in events Lambda delivers; the list values are "reserved" and always empty.
    result[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString("base64"),
      }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? "String",
    };
  }
  return result;
}

function recordAttributes(message: Message): SQSRecord["attributes"] {
  const received = message.Attributes ?? {};
  const others = Object.entries(received).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  // ReceiveMessage with "All" always returns these four; "" only guards a non-conforming server.
  // Listed first for the key order of events Lambda delivers.
  return {
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? "",
    SentTimestamp: received.SentTimestamp ?? "",
    SenderId: received.SenderId ?? "",
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? "",
    ...Object.fromEntries(others),
  };
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const { MessageId: messageId, ReceiptHandle: receiptHandle } = message;
  if (messageId === undefined || receiptHandle === undefined) {
    throw new SqsEventError(`received a message without MessageId/ReceiptHandle from ${queueArn}`);
  }
  return {
    messageId,
    receiptHandle,
    body: message.Body ?? "",
    attributes: recordAttributes(message),
    messageAttributes: toLambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: regionOfArn(queueArn),
  };
}

export function buildSqsEvent(messages: readonly Message[], queueArn: string): SQSEvent {
  return { Records: messages.map((m) => toSqsRecord(m, queueArn)) };
}

export type BatchFailures = { ok: true; failedIds: Set<string> } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a ReportBatchItemFailures response the way Lambda does: no response, or no/empty
 * batchItemFailures, means success; anything malformed, or an itemIdentifier that is empty or
 * not a messageId of the batch, fails the whole batch.
 */
export function parseBatchItemFailures(
  response: unknown,
  messageIds: readonly string[],
): BatchFailures {
  if (response === undefined || response === null) return { ok: true, failedIds: new Set() };
  if (!isRecord(response)) return { ok: false, reason: "the response is not an object" };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true, failedIds: new Set() };
  if (!Array.isArray(failures)) return { ok: false, reason: "batchItemFailures is not a list" };
  const failedIds = new Set<string>();
  for (const [i, failure] of failures.entries()) {
    const id: unknown = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== "string" || !messageIds.includes(id)) {
      return {
        ok: false,
        reason: `batchItemFailures[${i}].itemIdentifier ${JSON.stringify(id)} is not a messageId of the batch`,
      };
    }
    failedIds.add(id);
  }
  return { ok: true, failedIds };
}

export type DeletionPlan = {
  /** Receipt handles of messages that were processed and must be deleted. */
  deleteReceiptHandles: string[];
  /** Message ids left on the queue: visible again after the visibility timeout, then redriven. */
  retryMessageIds: string[];
  /** Why messages are retried, for the log; undefined when everything succeeded. */
  problem?: string;
};

export function planDeletion(
  event: SQSEvent,
  outcome: InvokeOutcome,
  reportBatchItemFailures: boolean,
): DeletionPlan {
  const ids = event.Records.map((r) => r.messageId);
  const retryAll = (problem: string): DeletionPlan => ({
    deleteReceiptHandles: [],
    retryMessageIds: ids,
    problem,
  });
  if (!outcome.ok) return retryAll(`invocation failed: ${outcome.error}`);
  if (!reportBatchItemFailures) {
    return { deleteReceiptHandles: event.Records.map((r) => r.receiptHandle), retryMessageIds: [] };
  }
  const failures = parseBatchItemFailures(outcome.response, ids);
  if (!failures.ok)
    return retryAll(`malformed batch response, whole batch failed: ${failures.reason}`);
  const plan: DeletionPlan = {
    deleteReceiptHandles: event.Records.filter((r) => !failures.failedIds.has(r.messageId)).map(
      (r) => r.receiptHandle,
    ),
    retryMessageIds: [...failures.failedIds],
  };
  if (failures.failedIds.size > 0)
    plan.problem = `${failures.failedIds.size} batch item failure(s)`;
  return plan;
}

export type BackoffSchedule = { initialMs: number; maxMs: number };
export const DEFAULT_BACKOFF: BackoffSchedule = { initialMs: 100, maxMs: 5_000 };

/** Delay before the next attempt after `consecutiveFailures` failures: doubling, capped. */
export function backoffDelayMs(consecutiveFailures: number, schedule = DEFAULT_BACKOFF): number {
  if (consecutiveFailures <= 0) return 0;
  const exponent = Math.min(consecutiveFailures - 1, 30); // 2 ** 30 already exceeds any cap
  return Math.min(schedule.maxMs, schedule.initialMs * 2 ** exponent);
}

/** One-line description of an SDK or network error, e.g. "QueueDoesNotExist: …". */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code: unknown = (err as { code?: unknown }).code; // Node's errno code, if any
  const prefix = err.name === "Error" || err.message.startsWith(err.name) ? "" : `${err.name}: `;
  const suffix = typeof code === "string" && !err.message.includes(code) ? ` [${code}]` : "";
  return `${prefix}${err.message}${suffix}`;
}

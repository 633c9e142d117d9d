/**
 * A queue's depths as the cloud report shows them, read from fauxqs' non-destructive
 * inspection (GET /_fauxqs/queues/<name>: the messages ready, delayed and in flight, each with
 * the time it was sent, and the queue's attributes). Pure: unit-tested beside it.
 */

/** What a queue holds now. */
export interface QueueDepths {
  visible: number;
  inFlight: number;
  /** When the oldest message not deleted was sent (epoch ms); null when there is none. */
  oldestSentAt: number | null;
  /** Its RedrivePolicy's dead-letter queue, if it has one. */
  deadLetterTargetArn: string | null;
}

type Inspected = { sentTimestamp?: unknown };

interface Inspection {
  messages: { ready: Inspected[]; delayed: Inspected[]; inflight: { message: Inspected }[] };
  attributes: { RedrivePolicy?: string };
}

function deadLetterTargetOf(policy: string | undefined): string | null {
  if (policy === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(policy);
    const arn =
      typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, unknown>).deadLetterTargetArn
        : undefined;
    return typeof arn === "string" ? arn : null;
  } catch {
    return null;
  }
}

/** fauxqs' answer for `queueName` as depths; an error names the queue and the status. */
export function queueDepthsOf(queueName: string, status: number, body: string): QueueDepths {
  if (status !== 200) throw new Error(`fauxqs has no queue ${queueName} (${status})`);
  const { messages, attributes } = JSON.parse(body) as Inspection;
  const sent = [
    ...messages.ready,
    ...messages.delayed,
    ...messages.inflight.map((entry) => entry.message),
  ]
    .map((m) => m.sentTimestamp)
    .filter((t): t is number => typeof t === "number");
  return {
    visible: messages.ready.length,
    inFlight: messages.inflight.length,
    oldestSentAt: sent.length > 0 ? Math.min(...sent) : null,
    deadLetterTargetArn: deadLetterTargetOf(attributes.RedrivePolicy),
  };
}

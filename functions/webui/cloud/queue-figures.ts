/**
 * The ticket queue's figures on a deployed stage, from SQS GetQueueAttributes: what AWS and
 * LocalStack (either mode) both answer. Pure; cloudwatch-report.ts and host-report.ts use it.
 */
import type { FigureName, QueueFigures } from "../../shared/cloud-report";
import type { DeployedQueue, QueueAttributes } from "./cloudwatch-queries";

/** Queue depth attribute as a count; null when SQS did not answer it. */
function count(attributes: QueueAttributes | undefined, name: string): number | null {
  const raw = attributes?.[name];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * The queue's figures, and which of them SQS answered (into `reported`). `oldestAgeSeconds`:
 * a number, or undefined when the stage does not know it (SQS's attributes do not hold it).
 */
export function sqsQueueFigures(
  queue: DeployedQueue,
  queues: Record<string, QueueAttributes | undefined>,
  oldestAgeSeconds: number | undefined,
  reported: Record<FigureName, boolean>,
): QueueFigures {
  const main = queues[queue.url];
  const dlq = queues[queue.deadLetter.url];
  const visible = count(main, "ApproximateNumberOfMessages");
  const inFlight = count(main, "ApproximateNumberOfMessagesNotVisible");
  const dlqVisible = count(dlq, "ApproximateNumberOfMessages");
  const dlqInFlight = count(dlq, "ApproximateNumberOfMessagesNotVisible");
  reported.visible = visible !== null;
  reported.inFlight = inFlight !== null;
  reported.deadLetterMessages = dlqVisible !== null && dlqInFlight !== null;
  reported.oldestAgeSeconds = oldestAgeSeconds !== undefined;
  return {
    name: queue.name,
    visible,
    inFlight,
    oldestAgeSeconds: oldestAgeSeconds ?? null,
    deadLetter: {
      name: queue.deadLetter.name,
      messages: reported.deadLetterMessages ? (dlqVisible ?? 0) + (dlqInFlight ?? 0) : null,
    },
  };
}

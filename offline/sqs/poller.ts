/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls a queue and invokes a
 * function with SQS events, several batches at once, deleting what the function processed.
 * serverless-offline has no SQS support; the local-cloud plugin starts one poller per sqs event.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import type { InvokeOutcome } from "../contracts";
import { ErrorStreak } from "./error-streak";
import {
  type BackoffSchedule,
  backoffDelayMs,
  buildSqsEvent,
  DEFAULT_BACKOFF,
  describeError,
  planDeletion,
} from "./event";

export type QueuePollerOptions = {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  /** Messages per event; ReceiveMessage returns at most 10, so larger sizes are capped at 10. */
  batchSize: number;
  /** Batches being processed at once (Lambda's maximumConcurrency). */
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
  /** Must not throw, but a rejection is treated as a failed invocation. */
  invoke: (event: SQSEvent) => Promise<InvokeOutcome>;
  log?: (line: string) => void;
  /** Long-poll wait, 0–20 s; default 20 as in Lambda. stop() aborts the wait. */
  waitTimeSeconds?: number;
  /**
   * An in-process emulator's signal that messages may have arrived on this queue. Given one,
   * the poller receives without waiting and, when the queue is empty, sleeps until the signal
   * (or `idlePollMs`, for messages that become visible again): no long poll is left waiting,
   * so the emulator keeps no timer running and an idle local cloud stays idle.
   */
  arrivals?: ArrivalSignal;
  /** With `arrivals`: the longest sleep between receives of an empty queue; default 2000 ms. */
  idlePollMs?: number;
  /** How long stop() waits for running invocations; default 5000 ms. */
  stopGraceMs?: number;
  /** Retry delays after SQS errors; default 100 ms doubling up to 5 s. */
  backoff?: BackoffSchedule;
};

export type QueuePoller = { stop(): Promise<void> };

/** Subscribes to "messages may have arrived"; returns the unsubscribe function. */
export type ArrivalSignal = (listener: () => void) => () => void;

const MAX_RECEIVE = 10;
/** With short polling (waitTimeSeconds 0), pause between empty receives rather than spin. */
const SHORT_POLL_IDLE_MS = 200;
/** Messages become visible again after their visibility timeout without any signal. */
const DEFAULT_IDLE_POLL_MS = 2_000;

function assertIntegerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `startQueuePoller: ${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
}

class SqsEventSourceMapping {
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private wakeLoop: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private readonly streak: ErrorStreak;
  private readonly log: (line: string) => void;
  private readonly receiveMax: number;
  /** Set by the arrival signal; cleared as a receive starts, so no signal is ever missed. */
  private arrived = false;
  private wakeOnArrival: (() => void) | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: QueuePollerOptions) {
    const queueName = opts.queueArn.split(":").pop() ?? opts.queueUrl;
    const log = opts.log ?? (() => {});
    this.log = (line) => log(`${queueName} → ${opts.functionName}: ${line}`);
    this.streak = new ErrorStreak(this.log);
    this.receiveMax = Math.min(opts.batchSize, MAX_RECEIVE);
    if (opts.batchSize > MAX_RECEIVE) {
      this.log(`batchSize ${opts.batchSize} capped at ${MAX_RECEIVE} (no batching window locally)`);
    }
    this.unsubscribe = opts.arrivals?.(() => {
      this.arrived = true;
      this.wakeOnArrival?.();
    });
    this.loop = this.run().catch((err: unknown) =>
      this.log(`poller crashed: ${describeError(err)}`),
    );
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.freeSlot();
      if (this.stopping) break;
      // Like Lambda's pollers: take up to 10 messages at once and split them into batches, so a
      // burst of tickets (scaling to 10 replicas) starts in one round trip, not ten.
      const freeSlots = this.opts.maxConcurrency - this.inFlight.size;
      this.arrived = false;
      const messages = await this.receive(Math.min(MAX_RECEIVE, freeSlots * this.receiveMax));
      // Even if stop() raced the response, these messages are ours now: process them.
      for (let i = 0; i < messages.length; i += this.receiveMax) {
        this.dispatch(messages.slice(i, i + this.receiveMax));
      }
      if (messages.length === 0 && this.opts.arrivals) {
        await this.untilArrival(this.opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS);
      } else if (messages.length === 0 && this.opts.waitTimeSeconds === 0) {
        await this.pause(SHORT_POLL_IDLE_MS);
      }
    }
  }

  /** Sleeps until messages may have arrived (or `ms`, or stop()). */
  private async untilArrival(ms: number): Promise<void> {
    if (this.arrived || this.stopping) return;
    // A plain timer: a signal combined with the poller's long-lived one on every idle cycle
    // (AbortSignal.any) is kept alive by it. stop() wakes this through wakeOnArrival.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeOnArrival = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeOnArrival = undefined;
  }

  /** Sleeps, but wakes at once when stop() is called. */
  private async pause(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.abort.signal }).catch(() => {});
  }

  /** Waits until fewer than maxConcurrency batches run, so we never hold messages we can't start. */
  private async freeSlot(): Promise<void> {
    while (!this.stopping && this.inFlight.size >= this.opts.maxConcurrency) {
      await new Promise<void>((resolve) => {
        this.wakeLoop = resolve;
      });
    }
  }

  private async receive(maxMessages: number): Promise<Message[]> {
    const { client, queueUrl } = this.opts;
    // With an arrival signal there is nothing to wait for: the signal is the long poll.
    const waitTimeSeconds = this.opts.arrivals ? 0 : (this.opts.waitTimeSeconds ?? 20);
    const command = new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: maxMessages,
      WaitTimeSeconds: waitTimeSeconds,
      // The legacy and current names for "all system attributes"; emulators differ in which
      // one they read, and SQS accepts both.
      AttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    });
    try {
      const output = await client.send(command, { abortSignal: this.abort.signal });
      this.streak.succeeded();
      return output.Messages ?? [];
    } catch (err) {
      if (this.stopping) return [];
      const failures = this.streak.failed("ReceiveMessage", err);
      const backoff = backoffDelayMs(failures, this.opts.backoff ?? DEFAULT_BACKOFF);
      await this.pause(backoff);
      return [];
    }
  }

  private dispatch(messages: Message[]): void {
    let event: SQSEvent;
    try {
      event = buildSqsEvent(messages, this.opts.queueArn);
    } catch (err) {
      this.log(
        `dropped a malformed batch (redelivered after the visibility timeout): ${describeError(err)}`,
      );
      return;
    }
    const task: Promise<void> = this.process(event).finally(() => {
      this.inFlight.delete(task);
      this.wakeLoop?.();
    });
    this.inFlight.add(task);
  }

  /** Never rejects: every failure is logged and leaves messages on the queue for redelivery. */
  private async process(event: SQSEvent): Promise<void> {
    const outcome = await this.invoke(event);
    const plan = planDeletion(event, outcome, this.opts.reportBatchItemFailures);
    if (plan.problem !== undefined) {
      this.log(`${plan.problem}; ${plan.retryMessageIds.length} message(s) stay queued for retry`);
    }
    if (plan.deleteReceiptHandles.length > 0) await this.deleteMessages(plan.deleteReceiptHandles);
  }

  private async invoke(event: SQSEvent): Promise<InvokeOutcome> {
    try {
      return await this.opts.invoke(event);
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
  }

  private async deleteMessages(receiptHandles: string[]): Promise<void> {
    const Entries = receiptHandles.map((ReceiptHandle, i) => ({ Id: `m${i}`, ReceiptHandle }));
    try {
      // Not tied to the abort signal: processed messages must be deleted even while stopping.
      const output = await this.opts.client.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries }),
      );
      this.streak.succeeded();
      const first = output.Failed?.[0];
      if (first !== undefined) {
        const hint =
          first.Code === "ReceiptHandleIsInvalid"
            ? " (did the invocation outlast VisibilityTimeout?)"
            : "";
        this.log(
          `${output.Failed?.length} processed message(s) not deleted, they will be redelivered: ${first.Code}: ${first.Message}${hint}`,
        );
      }
    } catch (err) {
      this.streak.failed("DeleteMessageBatch", err);
    }
  }

  async stop(graceMs: number): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.abort.abort();
      this.wakeLoop?.();
      this.wakeOnArrival?.();
      this.unsubscribe?.();
    }
    await this.loop;
    if (this.inFlight.size === 0) return;
    const timeout = new AbortController();
    const drained = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      delay(graceMs, false, { signal: timeout.signal }).catch(() => false),
    ]);
    timeout.abort(); // don't keep the process alive for the rest of the grace period
    if (!drained) {
      this.log(
        `stopped with ${this.inFlight.size} invocation(s) still running after ${graceMs} ms; ` +
          "their messages reappear after the visibility timeout",
      );
    }
  }
}

/** Starts polling at once; stop() ends the long poll promptly and drains running invocations. */
export function startQueuePoller(opts: QueuePollerOptions): QueuePoller {
  assertIntegerIn("batchSize", opts.batchSize, 1, 10_000);
  assertIntegerIn("maxConcurrency", opts.maxConcurrency, 1, 1_000);
  assertIntegerIn("waitTimeSeconds", opts.waitTimeSeconds ?? 20, 0, 20);
  assertIntegerIn("idlePollMs", opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS, 10, 60_000);
  const mapping = new SqsEventSourceMapping(opts);
  const graceMs = opts.stopGraceMs ?? 5_000;
  return { stop: () => mapping.stop(graceMs) };
}

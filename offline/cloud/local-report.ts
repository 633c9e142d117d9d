/**
 * The cloud report of stage `dev`, from what the local cloud measured: its function runner
 * (instances, the concurrency gate, every invocation's outcome and duration, see
 * function-window.ts) and fauxqs (the queues). Every figure is measured, so every figure is
 * reported. Pure: unit-tested beside it.
 */
import {
  type CloudReport,
  FIGURES,
  type FigureName,
  type FunctionFigures,
  HISTORY_SECONDS,
  type QueueFigures,
  RATE_WINDOW_SECONDS,
  REPORT_WINDOW_SECONDS,
} from "../../functions/shared/cloud-report";
import type { FunctionWindow } from "./function-window";

/** One function as the runner sees it now. */
export interface FunctionState {
  key: string;
  name: string;
  /** reservedConcurrency; undefined: no limit. */
  limit: number | undefined;
  /** Lambda's memorySize, in MB: what each instance may use. */
  memorySize: number;
  instances: number;
  waiting: number;
  window: FunctionWindow;
}

/** One queue as fauxqs holds it now (see sqs/queue-depths.ts). */
export interface QueueState {
  name: string;
  visible: number;
  inFlight: number;
  /** When the oldest message not deleted was sent (epoch ms), or null: none. */
  oldestSentAt: number | null;
  deadLetter: { name: string; messages: number } | null;
}

/** A queue of the stage with its depths (QueueDepths of sqs/queue-depths.ts). */
export interface MeasuredQueue {
  name: string;
  arn: string;
  visible: number;
  inFlight: number;
  oldestSentAt: number | null;
  deadLetterTargetArn: string | null;
}

/** Queues with their dead-letter queue beside them; a DLQ is not listed on its own. */
export function queueStates(queues: MeasuredQueue[]): QueueState[] {
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const deadLetters = new Set(queues.map((q) => q.deadLetterTargetArn));
  return queues
    .filter((q) => !deadLetters.has(q.arn))
    .map((q) => {
      const dlq = q.deadLetterTargetArn === null ? undefined : byArn.get(q.deadLetterTargetArn);
      return {
        name: q.name,
        visible: q.visible,
        inFlight: q.inFlight,
        oldestSentAt: q.oldestSentAt,
        deadLetter: dlq ? { name: dlq.name, messages: dlq.visible + dlq.inFlight } : null,
      };
    });
}

export const LOCAL_CLOUD_SOURCE =
  "measured by the local cloud: its function runner and concurrency gate, and fauxqs";

const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Number(value.toFixed(digits));

export function functionFigures(state: FunctionState, nowMs: number): FunctionFigures {
  const w = state.window;
  const minute = (counter: Parameters<FunctionWindow["sum"]>[0]) =>
    w.sum(counter, nowMs, REPORT_WINDOW_SECONDS);
  const memory = w.maxMemory(nowMs, REPORT_WINDOW_SECONDS);
  return {
    key: state.key,
    name: state.name,
    instances: state.instances,
    busy: w.busy,
    waiting: state.waiting,
    concurrencyLimit: state.limit ?? null,
    invocationsPerSecond: round(w.rate("invocations", nowMs, RATE_WINDOW_SECONDS), 2),
    coldStarts: minute("coldStarts"),
    coldStartsTotal: w.coldStartsTotal,
    waits: minute("waits"),
    throttles: minute("throttles"),
    errors: minute("errors"),
    timeouts: minute("timeouts"),
    durationP50Ms: round(w.durationPercentile(nowMs, 0.5), 1),
    durationP95Ms: round(w.durationPercentile(nowMs, 0.95), 1),
    maxMemoryUsedMb: round(memory === null ? null : memory / 2 ** 20, 1),
    memorySizeMb: state.memorySize,
    outOfMemory: minute("outOfMemory"),
  };
}

export function queueFigures(queue: QueueState, nowMs: number): QueueFigures {
  return {
    name: queue.name,
    visible: queue.visible,
    inFlight: queue.inFlight,
    oldestAgeSeconds:
      queue.oldestSentAt === null
        ? null
        : Math.max(0, Math.floor((nowMs - queue.oldestSentAt) / 1000)),
    deadLetter: queue.deadLetter,
  };
}

const allReported = () =>
  Object.fromEntries(FIGURES.map((figure) => [figure, true])) as Record<FigureName, boolean>;

export function localCloudReport(
  stage: string,
  functions: FunctionState[],
  queues: QueueState[],
  nowMs: number,
): CloudReport {
  const byFunction: Record<string, number[]> = {};
  for (const fn of functions) byFunction[fn.key] = fn.window.concurrency(nowMs, HISTORY_SECONDS);
  return {
    stage,
    source: LOCAL_CLOUD_SOURCE,
    now: nowMs,
    windowSeconds: REPORT_WINDOW_SECONDS,
    rateWindowSeconds: RATE_WINDOW_SECONDS,
    reported: allReported(),
    functions: functions.map((fn) => functionFigures(fn, nowMs)),
    concurrency: {
      start: Math.floor(nowMs / 1000) - HISTORY_SECONDS + 1,
      seconds: HISTORY_SECONDS,
      byFunction,
    },
    queues: queues.map((queue) => queueFigures(queue, nowMs)),
  };
}

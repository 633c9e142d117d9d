/**
 * The cloud report of stage `local` on LocalStack in host mode: the host executor's own figures
 * (GET /_host_executor/stats, localstack/host/src/localstack_host_executor/stats.py), with the
 * queue from SQS GetQueueAttributes and the limits from Lambda GetFunctionConcurrency. Pure:
 * it validates the executor's answer and maps it onto the shape of shared/cloud-report.ts.
 *
 * The executor starts every execution environment (a `node` process), so instances, busy,
 * cold starts, outcomes, durations, the per-second concurrency and (an executor that says
 * `memoryMeasured`) each process's peak memory and out-of-memory kills are measured, not inferred.
 * Not reported: calls waiting (LocalStack refuses a call over the limit, a throttle, and never
 * holds one) and the queue's oldest age (not among SQS's attributes).
 */
import {
  type CloudReport,
  FIGURES,
  type FigureName,
  type FunctionFigures,
  HISTORY_SECONDS,
} from "../../shared/cloud-report";
import type { DeployedFunction, DeployedQueue, QueueAttributes } from "./cloudwatch-queries";
import { sqsQueueFigures } from "./queue-figures";

/** One function's figures as the executor answers them. */
export interface ExecutorFunctionStats {
  instances: number;
  busy: number;
  invocationsPerSecond: number;
  coldStarts: number;
  coldStartsTotal: number;
  throttles: number;
  errors: number;
  timeouts: number;
  durationP50Ms: number | null;
  durationP95Ms: number | null;
  /** Peak resident memory of its processes in the window, its MemorySize (MB); kills for it. */
  maxMemoryUsedMb?: number | null;
  memorySizeMb?: number | null;
  outOfMemory?: number;
  /** Peak busy per second, oldest first, from `historyStart`. */
  concurrency: number[];
}

export interface ExecutorStats {
  now: number;
  windowSeconds: number;
  rateWindowSeconds: number;
  historyStart: number;
  /** False when the patch that counts throttles is not applied (another LocalStack). */
  throttlesCounted: boolean;
  /** The executor reports memory (an earlier one did not: "not reported"). */
  memoryMeasured?: boolean;
  /** By deployed function name; a function the executor never started is absent. */
  functions: Record<string, ExecutorFunctionStats>;
}

/** The executor answered something that is not its stats (a different plugin version…). */
export class ExecutorStatsError extends Error {
  override name = "ExecutorStatsError";
}

const COUNTS = [
  "instances",
  "busy",
  "invocationsPerSecond",
  "coldStarts",
  "coldStartsTotal",
  "throttles",
  "errors",
  "timeouts",
] as const satisfies readonly (keyof ExecutorFunctionStats)[];

const MEMORY: string[] = ["maxMemoryUsedMb", "memorySizeMb", "outOfMemory"];

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

function parseFunction(name: string, raw: unknown, historyLength: number): ExecutorFunctionStats {
  const fn = (raw ?? {}) as Record<string, unknown>;
  // Memory is absent (or null) from an executor that does not measure it (memoryMeasured).
  for (const field of [...COUNTS, ...MEMORY]) {
    if (MEMORY.includes(field) && fn[field] == null) continue;
    if (!isCount(fn[field])) throw new ExecutorStatsError(`${name}.${field} is not a count`);
  }
  for (const field of ["durationP50Ms", "durationP95Ms"] as const) {
    if (fn[field] !== null && !isCount(fn[field])) {
      throw new ExecutorStatsError(`${name}.${field} is neither a duration nor null`);
    }
  }
  const history = fn.concurrency;
  if (!Array.isArray(history) || history.length !== historyLength || !history.every(isCount)) {
    throw new ExecutorStatsError(`${name}.concurrency is not ${historyLength} counts`);
  }
  return fn as unknown as ExecutorFunctionStats;
}

/** The executor's answer, checked field by field (its history as long as the report's). */
export function parseExecutorStats(body: unknown): ExecutorStats {
  const stats = (body ?? {}) as Record<string, unknown>;
  for (const field of ["now", "windowSeconds", "rateWindowSeconds", "historyStart"]) {
    if (!isCount(stats[field])) throw new ExecutorStatsError(`${field} is not a number`);
  }
  if (typeof stats.throttlesCounted !== "boolean") {
    throw new ExecutorStatsError("throttlesCounted is not a boolean");
  }
  const functions = stats.functions;
  if (typeof functions !== "object" || functions === null || Array.isArray(functions)) {
    throw new ExecutorStatsError("functions is not an object");
  }
  return {
    ...(stats as unknown as ExecutorStats),
    functions: Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [
        name,
        parseFunction(name, fn, HISTORY_SECONDS),
      ]),
    ),
  };
}

export const HOST_SOURCE =
  "LocalStack host mode: the host executor's own count (an instance: a node process it started), SQS and Lambda; no waits (LocalStack refuses a call over the limit) nor the queue's age";

export interface HostAnswers {
  stats: ExecutorStats;
  /** Attributes of each queue, by URL. */
  queues: Record<string, QueueAttributes | undefined>;
  /** GetFunctionConcurrency's ReservedConcurrentExecutions by function key; undefined: none. */
  reservedConcurrency: Record<string, number | undefined>;
}

export function hostExecutorReport(
  stage: string,
  functions: DeployedFunction[],
  queue: DeployedQueue,
  answers: HostAnswers,
): CloudReport {
  const { stats } = answers;
  const reported = Object.fromEntries(FIGURES.map((f) => [f, true])) as Record<FigureName, boolean>;
  reported.waiting = false;
  reported.waits = false;
  reported.throttles = stats.throttlesCounted;
  // An executor that does not say memoryMeasured sends no memory figure: each stays null.
  reported.maxMemoryUsedMb = reported.memorySizeMb = reported.outOfMemory = !!stats.memoryMeasured;
  // A function the executor has not started has no instance and has run nothing: measured 0.
  const idle: ExecutorFunctionStats = {
    instances: 0,
    busy: 0,
    invocationsPerSecond: 0,
    coldStarts: 0,
    coldStartsTotal: 0,
    throttles: 0,
    errors: 0,
    timeouts: 0,
    durationP50Ms: null,
    durationP95Ms: null,
    concurrency: new Array<number>(HISTORY_SECONDS).fill(0),
  };
  const byFunction: Record<string, number[]> = {};
  const figures: FunctionFigures[] = functions.map((fn) => {
    const measured = stats.functions[fn.name] ?? idle;
    byFunction[fn.key] = measured.concurrency;
    return {
      key: fn.key,
      name: fn.name,
      instances: measured.instances,
      busy: measured.busy,
      waiting: null,
      concurrencyLimit: answers.reservedConcurrency[fn.key] ?? null,
      invocationsPerSecond: measured.invocationsPerSecond,
      coldStarts: measured.coldStarts,
      coldStartsTotal: measured.coldStartsTotal,
      waits: null,
      throttles: stats.throttlesCounted ? measured.throttles : null,
      errors: measured.errors,
      timeouts: measured.timeouts,
      durationP50Ms: measured.durationP50Ms,
      durationP95Ms: measured.durationP95Ms,
      maxMemoryUsedMb: measured.maxMemoryUsedMb ?? null,
      memorySizeMb: measured.memorySizeMb ?? null,
      outOfMemory: measured.outOfMemory ?? null,
    };
  });
  return {
    stage,
    source: HOST_SOURCE,
    now: stats.now,
    windowSeconds: stats.windowSeconds,
    rateWindowSeconds: stats.rateWindowSeconds,
    reported,
    functions: figures,
    concurrency: { start: stats.historyStart, seconds: HISTORY_SECONDS, byFunction },
    queues: [sqsQueueFigures(queue, answers.queues, undefined, reported)],
  };
}

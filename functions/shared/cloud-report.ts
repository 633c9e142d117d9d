/**
 * The cloud report: what the serverless platform is doing, in one shape for every stage. The
 * local cloud (offline/cloud/) measures it for stage `dev`; the dashboard's Cloud panel
 * (functions/webui/site/src/cloud.ts) shows it. A stage that cannot know a figure says so in
 * `reported` and sends null: the page shows "not reported", never a guess or a default 0.
 *
 * Browser-safe (no Node imports): the dashboard bundles it.
 */

/** Seconds covered by the "last minute" figures (cold starts, waits, errors, durations…). */
export const REPORT_WINDOW_SECONDS = 60;
/** Seconds averaged for invocations per second. */
export const RATE_WINDOW_SECONDS = 5;
/** Seconds of per-second concurrency history. */
export const HISTORY_SECONDS = 300;

/** Figures of one function; each is null when `reported[figure]` is false. */
export interface FunctionFigures {
  /** The function's key in serverless.yml (rng, hasher, worker…). */
  key: string;
  /** Its deployed name (dockercoins-dev-rng). */
  name: string;
  /** Execution environments that exist now (a module scope, a process, a sandbox). */
  instances: number | null;
  /** Instances running an invocation now. */
  busy: number | null;
  /** Calls waiting now for a free slot under the concurrency limit. */
  waiting: number | null;
  /** Reserved concurrency; null means no limit (when `reported.concurrencyLimit`). */
  concurrencyLimit: number | null;
  /** Completed invocations per second, over the last RATE_WINDOW_SECONDS. */
  invocationsPerSecond: number | null;
  /** Instance inits (cold starts) in the last REPORT_WINDOW_SECONDS. */
  coldStarts: number | null;
  /** Cold starts since the platform started (the independent check of the tests). */
  coldStartsTotal: number | null;
  /** Calls that found the concurrency limit reached and waited, last window. */
  waits: number | null;
  /** Calls refused by the concurrency limit, last window. */
  throttles: number | null;
  /** Invocations that failed (not timeouts), last window. */
  errors: number | null;
  /** Invocations that ran past the function's timeout, last window. */
  timeouts: number | null;
  /** Duration percentiles over the last window; null with the figure reported: no calls. */
  durationP50Ms: number | null;
  durationP95Ms: number | null;
  /**
   * The largest memory an instance used in the last window, in MB (Lambda's Max Memory Used);
   * null with the figure reported: no instance reported any. The three memory figures may be
   * left out where they are not reported (CloudWatch's report), which reads as null.
   */
  maxMemoryUsedMb?: number | null;
  /** The function's memorySize, in MB: what each instance may use. */
  memorySizeMb?: number | null;
  /** Instances stopped for memory past memorySize (Runtime.OutOfMemory), last window. */
  outOfMemory?: number | null;
}

/** A queue with its dead-letter queue, if it has one. */
export interface QueueFigures {
  name: string;
  /** Messages a receive would get now. */
  visible: number | null;
  /** Messages received and not yet deleted (invisible). */
  inFlight: number | null;
  /** Age of the oldest message not deleted, in seconds; null with it reported: queue empty. */
  oldestAgeSeconds: number | null;
  /** Its dead-letter queue: messages in it (visible or in flight). */
  deadLetter: { name: string; messages: number | null } | null;
}

export const FUNCTION_FIGURES = [
  "instances",
  "busy",
  "waiting",
  "concurrencyLimit",
  "invocationsPerSecond",
  "coldStarts",
  "coldStartsTotal",
  "waits",
  "throttles",
  "errors",
  "timeouts",
  "durationP50Ms",
  "durationP95Ms",
  "maxMemoryUsedMb",
  "memorySizeMb",
  "outOfMemory",
] as const satisfies readonly (keyof FunctionFigures)[];

export const QUEUE_FIGURES = [
  "visible",
  "inFlight",
  "oldestAgeSeconds",
  "deadLetterMessages",
] as const;

/** Every figure a stage may or may not report; `concurrencyHistory` is the per-second chart. */
export const FIGURES = [...FUNCTION_FIGURES, ...QUEUE_FIGURES, "concurrencyHistory"] as const;
export type FigureName = (typeof FIGURES)[number];

export interface CloudReport {
  /** The serverless stage (dev, local, prod). */
  stage: string;
  /** Where the figures come from, in words ("measured by the local cloud's runner…"). */
  source: string;
  /** When the report was made, epoch ms. */
  now: number;
  windowSeconds: number;
  rateWindowSeconds: number;
  /** Which figures this stage knows; the others are null everywhere. */
  reported: Record<FigureName, boolean>;
  functions: FunctionFigures[];
  /**
   * Peak concurrent executions in each second, per function key, oldest first; the last entry
   * is the current, incomplete second. Null when not reported.
   */
  concurrency: { start: number; seconds: number; byFunction: Record<string, number[]> } | null;
  queues: QueueFigures[];
}

/** The report path on the dashboard's origin (the local cloud) and under an API base. */
export const CLOUD_REPORT_PATH = "cloud";

/**
 * The cloud report of a deployed stage (`local` in Docker, `prod` on AWS), from what the
 * platform's APIs answer: CloudWatch `GetMetricData` (AWS/Lambda per FunctionName, AWS/SQS per
 * QueueName), SQS `GetQueueAttributes` and Lambda `GetFunctionConcurrency`. Pure: it builds
 * the queries and turns the answers into the one report shape of functions/shared/cloud-report.ts;
 * the SDK calls are the handler's ports (aws-sources.ts). Unit-tested against recorded answers.
 *
 * What CloudWatch cannot give is "not reported", never 0: instances that exist now, busy now,
 * calls waiting now, cold starts (only the logs' INIT lines know them), waits, timeouts (its
 * `Errors` counts them with the errors) and the per-second concurrency history (its points are
 * one minute apart; repeating a minute's maximum sixty times would be a model, not a measure).
 */
import {
  type CloudReport,
  FIGURES,
  type FigureName,
  type FunctionFigures,
  type QueueFigures,
} from "../../shared/cloud-report";

/** CloudWatch's finest period for these metrics, and so the window of every figure here. */
export const CLOUDWATCH_PERIOD_SECONDS = 60;
/**
 * Minutes asked for: Lambda metrics reach CloudWatch a minute or two late, so the newest
 * complete minute with data may be a few minutes old; the report uses the newest complete one.
 */
export const CLOUDWATCH_LOOKBACK_MINUTES = 5;

export const LAMBDA_METRICS = ["Invocations", "Errors", "Throttles", "Duration"] as const;
export type LambdaMetric = (typeof LAMBDA_METRICS)[number];

/** What a platform publishes to CloudWatch (TOOLCHAIN.md, "Metrics the platforms report"). */
export interface MetricsPlatform {
  name: string;
  lambda: readonly LambdaMetric[];
  /** AWS/SQS ApproximateAgeOfOldestMessage. */
  queueAge: boolean;
}

export const PLATFORMS = {
  aws: { name: "AWS", lambda: LAMBDA_METRICS, queueAge: true },
  // lambda_/invocation/metrics.py of LocalStack 4.x: only these two; SQS: depths, no age.
  "localstack-community": {
    name: "LocalStack community",
    lambda: ["Invocations", "Errors"],
    queueAge: false,
  },
  // LocalStack host mode turns its Lambda metrics off (HOST_EXECUTOR_LAMBDA_METRICS=0, a
  // sqlite write per call): its CloudWatch has nothing to ask, only SQS and Lambda answer.
  "localstack-host": { name: "LocalStack host mode", lambda: [], queueAge: false },
} as const satisfies Record<string, MetricsPlatform>;
export type PlatformName = keyof typeof PLATFORMS;

/** A function of the stage: its key in serverless.yml and its deployed name. */
export interface DeployedFunction {
  key: string;
  name: string;
}

/** The ticket queue and its DLQ, by URL (GetQueueAttributes) and name (the metric dimension). */
export interface DeployedQueue {
  name: string;
  url: string;
  deadLetter: { name: string; url: string };
}

/** One query of GetMetricData (the SDK's MetricDataQuery, the fields used here). */
export interface MetricQuery {
  Id: string;
  MetricStat: {
    Metric: {
      Namespace: string;
      MetricName: string;
      Dimensions: { Name: string; Value: string }[];
    };
    Period: number;
    Stat: string;
  };
  ReturnData: true;
}

/** One result of GetMetricData (the SDK's MetricDataResult). */
export interface MetricResult {
  Id?: string;
  Label?: string;
  Timestamps?: (Date | string)[];
  Values?: number[];
  StatusCode?: string;
}

/** GetQueueAttributes' Attributes, as strings. */
export type QueueAttributes = Record<string, string | undefined>;

export interface RecordedAnswers {
  metrics: MetricResult[];
  /** Attributes of each queue, by URL. */
  queues: Record<string, QueueAttributes | undefined>;
  /** GetFunctionConcurrency's ReservedConcurrentExecutions by function key; undefined: none. */
  reservedConcurrency: Record<string, number | undefined>;
}

/** Each Lambda statistic asked for, by the figure it feeds. */
const LAMBDA_STATS: { id: string; metric: LambdaMetric; stat: string }[] = [
  { id: "invocations", metric: "Invocations", stat: "Sum" },
  { id: "errors", metric: "Errors", stat: "Sum" },
  { id: "throttles", metric: "Throttles", stat: "Sum" },
  { id: "p50", metric: "Duration", stat: "p50" },
  { id: "p95", metric: "Duration", stat: "p95" },
];

// Ids must start with a lowercase letter; the index keeps them unique whatever the names.
const functionId = (index: number, stat: string) => `f${index}_${stat}`;
const QUEUE_AGE_ID = "q0_age";

/**
 * The GetMetricData queries: only what the platform publishes, since CloudWatch charges per
 * metric requested (a metric it never gets would cost and always be empty).
 */
export function metricQueries(
  functions: DeployedFunction[],
  queue: DeployedQueue,
  platform: MetricsPlatform,
): MetricQuery[] {
  const query = (
    id: string,
    namespace: string,
    metric: string,
    dims: [string, string],
    stat: string,
  ): MetricQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [{ Name: dims[0], Value: dims[1] }],
      },
      Period: CLOUDWATCH_PERIOD_SECONDS,
      Stat: stat,
    },
    ReturnData: true,
  });
  const queries = functions.flatMap((fn, index) =>
    LAMBDA_STATS.filter((s) => platform.lambda.includes(s.metric)).map((s) =>
      query(functionId(index, s.id), "AWS/Lambda", s.metric, ["FunctionName", fn.name], s.stat),
    ),
  );
  if (platform.queueAge) {
    queries.push(
      query(
        QUEUE_AGE_ID,
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        ["QueueName", queue.name],
        "Maximum",
      ),
    );
  }
  return queries;
}

/** The time range of the queries, aligned on whole minutes as CloudWatch's periods are. */
export function metricRange(nowMs: number): { StartTime: Date; EndTime: Date } {
  const periodMs = CLOUDWATCH_PERIOD_SECONDS * 1000;
  const end = Math.floor(nowMs / periodMs) * periodMs;
  return {
    StartTime: new Date(end - CLOUDWATCH_LOOKBACK_MINUTES * periodMs),
    EndTime: new Date(end),
  };
}

/** Points of one result, newest first; none when the result is missing or failed. */
function points(
  results: Map<string, MetricResult>,
  id: string,
): { at: number; value: number }[] | null {
  const result = results.get(id);
  // "Complete" and "PartialData" carry real points; "InternalError" or "Forbidden" do not.
  if (!result || result.StatusCode === "InternalError" || result.StatusCode === "Forbidden")
    return null;
  const stamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  return stamps
    .map((stamp, i) => ({ at: new Date(stamp).getTime(), value: values[i] }))
    .filter(
      (p): p is { at: number; value: number } =>
        Number.isFinite(p.at) && typeof p.value === "number",
    )
    .sort((a, b) => b.at - a.at);
}

/** Queue depth attribute as a count; null when SQS did not answer it. */
function count(attributes: QueueAttributes | undefined, name: string): number | null {
  const raw = attributes?.[name];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : null;
}

export const cloudWatchSource = (platform: MetricsPlatform) =>
  `${platform.name}: CloudWatch one-minute metrics (the newest complete minute), SQS GetQueueAttributes and Lambda GetFunctionConcurrency; instances, cold starts, waits, timeouts and the per-second history are not in them`;

export function cloudWatchReport(
  stage: string,
  platform: MetricsPlatform,
  functions: DeployedFunction[],
  queue: DeployedQueue,
  answers: RecordedAnswers,
  nowMs: number,
): CloudReport {
  const results = new Map(answers.metrics.map((r) => [r.Id ?? "", r]));
  const { EndTime } = metricRange(nowMs);
  // The newest complete minute: the one that ends at EndTime (CloudWatch stamps a period's start).
  const minuteStart = EndTime.getTime() - CLOUDWATCH_PERIOD_SECONDS * 1000;
  const published = (metric: LambdaMetric) =>
    (platform.lambda as readonly string[]).includes(metric);
  const reported = Object.fromEntries(FIGURES.map((f) => [f, false])) as Record<
    FigureName,
    boolean
  >;
  reported.concurrencyLimit = true;
  reported.invocationsPerSecond = published("Invocations");
  reported.errors = published("Errors");
  reported.throttles = published("Throttles");
  reported.durationP50Ms = published("Duration");
  reported.durationP95Ms = published("Duration");
  reported.visible = true;
  reported.inFlight = true;
  reported.deadLetterMessages = true;
  reported.oldestAgeSeconds = platform.queueAge;

  // A figure is reported only if every function's answer is there: one failed query makes it
  // "not reported" for the stage rather than a 0 that looks measured.
  const minuteValue = (index: number, stat: string): number | null | undefined => {
    const found = points(results, functionId(index, stat));
    if (found === null) return undefined;
    // No point in a complete minute: CloudWatch publishes none for a function with no calls.
    return found.find((p) => p.at === minuteStart)?.value ?? null;
  };
  const figures: FunctionFigures[] = functions.map((fn, index) => {
    const sum = (stat: string, figure: FigureName): number | null => {
      const value = minuteValue(index, stat);
      if (value === undefined) reported[figure] = false;
      return reported[figure] ? (value ?? 0) : null;
    };
    const percentile = (stat: string, figure: FigureName): number | null => {
      const value = minuteValue(index, stat);
      if (value === undefined) reported[figure] = false;
      // No calls in the minute: no duration, which the shape says as null with it reported.
      return reported[figure] && value !== null && value !== undefined
        ? Number(value.toFixed(1))
        : null;
    };
    const invocations = sum("invocations", "invocationsPerSecond");
    return {
      key: fn.key,
      name: fn.name,
      instances: null,
      busy: null,
      waiting: null,
      concurrencyLimit: answers.reservedConcurrency[fn.key] ?? null,
      invocationsPerSecond:
        invocations === null ? null : Number((invocations / CLOUDWATCH_PERIOD_SECONDS).toFixed(2)),
      coldStarts: null,
      coldStartsTotal: null,
      waits: null,
      throttles: sum("throttles", "throttles"),
      errors: sum("errors", "errors"),
      timeouts: null,
      durationP50Ms: percentile("p50", "durationP50Ms"),
      durationP95Ms: percentile("p95", "durationP95Ms"),
    };
  });
  // A figure found unreported at some function is null at every function.
  for (const fn of figures) {
    for (const figure of [
      "invocationsPerSecond",
      "throttles",
      "errors",
      "durationP50Ms",
      "durationP95Ms",
    ] as const) {
      if (!reported[figure]) fn[figure] = null;
    }
  }

  const main = answers.queues[queue.url];
  const dlq = answers.queues[queue.deadLetter.url];
  const age = platform.queueAge ? points(results, QUEUE_AGE_ID) : null;
  if (age === null) reported.oldestAgeSeconds = false;
  const visible = count(main, "ApproximateNumberOfMessages");
  const inFlight = count(main, "ApproximateNumberOfMessagesNotVisible");
  const dlqVisible = count(dlq, "ApproximateNumberOfMessages");
  const dlqInFlight = count(dlq, "ApproximateNumberOfMessagesNotVisible");
  reported.visible = visible !== null;
  reported.inFlight = inFlight !== null;
  reported.deadLetterMessages = dlqVisible !== null && dlqInFlight !== null;
  const queueFigures: QueueFigures = {
    name: queue.name,
    visible,
    inFlight,
    // The newest point of the lookback (a gauge, not a sum); none: the queue had no message.
    oldestAgeSeconds: age === null ? null : (age[0]?.value ?? null),
    deadLetter: {
      name: queue.deadLetter.name,
      messages: reported.deadLetterMessages ? (dlqVisible ?? 0) + (dlqInFlight ?? 0) : null,
    },
  };

  return {
    stage,
    source: cloudWatchSource(platform),
    now: nowMs,
    windowSeconds: CLOUDWATCH_PERIOD_SECONDS,
    rateWindowSeconds: CLOUDWATCH_PERIOD_SECONDS,
    reported,
    functions: figures,
    concurrency: null,
    queues: [queueFigures],
  };
}

/** A queue's name, the last segment of its URL (the QueueName dimension of AWS/SQS). */
export function queueNameOf(url: string): string {
  const name = new URL(url).pathname.split("/").filter(Boolean).pop();
  if (!name) throw new Error(`not a queue URL: ${url}`);
  return name;
}

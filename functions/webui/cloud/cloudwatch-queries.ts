/**
 * What the deployed stages' cloud report asks CloudWatch (cloudwatch-report.ts reads the
 * answers): which metrics each platform publishes, the GetMetricData queries and their time
 * range, and the types of the answers. Pure.
 */
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
  /** Cold starts from REPORT lines' Init Duration, by a CloudWatch Logs Insights query. */
  coldStartsFromLogs: boolean;
}

export const PLATFORMS = {
  aws: { name: "AWS", lambda: LAMBDA_METRICS, queueAge: true, coldStartsFromLogs: true },
  // lambda_/invocation/metrics.py of LocalStack 4.x: only these two; SQS: depths, no age.
  "localstack-community": {
    name: "LocalStack community",
    lambda: ["Invocations", "Errors"],
    queueAge: false,
    // Logs Insights is not in LocalStack's community edition.
    coldStartsFromLogs: false,
  },
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

/** One row of Logs Insights' GetQueryResults `results`: fields by name, values as strings. */
export type InsightsRow = { field?: string; value?: string }[];

/** GetQueueAttributes' Attributes, as strings. */
export type QueueAttributes = Record<string, string | undefined>;

export interface RecordedAnswers {
  metrics: MetricResult[];
  /** Attributes of each queue, by URL. */
  queues: Record<string, QueueAttributes | undefined>;
  /** GetFunctionConcurrency's ReservedConcurrentExecutions by function key; undefined: none. */
  reservedConcurrency: Record<string, number | undefined>;
  /** The cold-start query's rows for the newest complete minute; undefined: not asked. */
  coldStartRows?: InsightsRow[];
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
export const functionId = (index: number, stat: string) => `f${index}_${stat}`;
export const QUEUE_AGE_ID = "q0_age";

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

/** The newest complete minute (the one the report shows), in epoch seconds. */
export function reportedMinute(nowMs: number): { startTime: number; endTime: number } {
  const endTime = metricRange(nowMs).EndTime.getTime() / 1000;
  return { startTime: endTime - CLOUDWATCH_PERIOD_SECONDS, endTime };
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

/** A queue's name, the last segment of its URL (the QueueName dimension of AWS/SQS). */
export function queueNameOf(url: string): string {
  const name = new URL(url).pathname.split("/").filter(Boolean).pop();
  if (!name) throw new Error(`not a queue URL: ${url}`);
  return name;
}

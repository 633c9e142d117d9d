/**
 * The ports of a deployed stage's cloud report: the three API calls it needs, as an interface
 * (aws-sources.ts implements it with the SDK; unit tests with recorded answers).
 */
import type { InsightsRow, MetricQuery, MetricResult, QueueAttributes } from "./cloudwatch-queries";

export interface CloudSources {
  metricData(
    queries: MetricQuery[],
    range: { StartTime: Date; EndTime: Date },
  ): Promise<MetricResult[]>;
  queueAttributes(url: string): Promise<QueueAttributes>;
  /** ReservedConcurrentExecutions; undefined: the function has none. */
  reservedConcurrency(functionName: string): Promise<number | undefined>;
  /** AWS: the rows of a Logs Insights query over these log groups in the range (epoch s). */
  logsInsights(
    logGroups: string[],
    query: string,
    range: { startTime: number; endTime: number },
  ): Promise<InsightsRow[]>;
  /** LocalStack host mode: the host executor's JSON answer (host-report.ts checks it). */
  executorStats(url: string): Promise<unknown>;
}

/** A platform API failed: which one, for the 503's message (the detail is only logged). */
export class CloudSourceError extends Error {
  override name = "CloudSourceError";
  constructor(
    readonly source:
      | "CloudWatch"
      | "CloudWatch Logs"
      | "SQS"
      | "Lambda"
      | "LocalStack's host executor",
    cause: unknown,
  ) {
    super(`${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

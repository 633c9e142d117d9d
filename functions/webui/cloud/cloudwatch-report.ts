/**
 * The cloud report of a deployed stage (`local` on LocalStack, `prod` on AWS), from what the
 * platform's APIs answer: CloudWatch `GetMetricData` (AWS/Lambda per FunctionName, AWS/SQS per
 * QueueName), SQS `GetQueueAttributes` and Lambda `GetFunctionConcurrency`. Pure: it turns
 * the answers (to the queries of cloudwatch-queries.ts) into the shape of shared/cloud-report.ts;
 * the SDK calls are the handler's ports (aws-sources.ts). Unit-tested against recorded answers.
 *
 * Cold starts come from CloudWatch Logs on AWS (REPORT lines with `Init Duration`, cold-starts.ts).
 * What CloudWatch cannot give is "not reported", never 0: instances that exist now, busy now,
 * calls waiting now, cold starts elsewhere and since ever, waits, timeouts (its
 * `Errors` counts them with the errors) and the per-second concurrency history (its points are
 * one minute apart; repeating a minute's maximum sixty times would be a model, not a measure).
 */
import {
  type CloudReport,
  FIGURES,
  type FigureName,
  type FunctionFigures,
} from "../../shared/cloud-report";

import {
  CLOUDWATCH_PERIOD_SECONDS,
  type DeployedFunction,
  type DeployedQueue,
  functionId,
  type LambdaMetric,
  type MetricResult,
  type MetricsPlatform,
  metricRange,
  QUEUE_AGE_ID,
  type RecordedAnswers,
} from "./cloudwatch-queries";
import { reportLinesByFunction } from "./cold-starts";
import { sqsQueueFigures } from "./queue-figures";

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

export const cloudWatchSource = (platform: MetricsPlatform) =>
  `${platform.name}: CloudWatch one-minute metrics${platform.coldStartsFromLogs ? " and Logs Insights (cold starts, memory)" : ""} of the newest complete minute, SQS and Lambda; not in them: instances, ${platform.coldStartsFromLogs ? "" : "cold starts, memory, "}waits, timeouts, out-of-memory kills, the per-second history`;

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
  reported.coldStarts = answers.coldStartRows !== undefined;
  // The same REPORT lines give memory (Lambda's Max Memory Used); out-of-memory kills are not
  // in them.
  reported.maxMemoryUsedMb = reported.memorySizeMb = reported.coldStarts;
  const lines = answers.coldStartRows
    ? reportLinesByFunction(functions, answers.coldStartRows)
    : undefined;
  reported.invocationsPerSecond = published("Invocations");
  reported.errors = published("Errors");
  reported.throttles = published("Throttles");
  reported.durationP50Ms = published("Duration");
  reported.durationP95Ms = published("Duration");

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
      coldStarts: lines?.[fn.key]?.coldStarts ?? null,
      coldStartsTotal: null,
      waits: null,
      throttles: sum("throttles", "throttles"),
      errors: sum("errors", "errors"),
      timeouts: null,
      durationP50Ms: percentile("p50", "durationP50Ms"),
      durationP95Ms: percentile("p95", "durationP95Ms"),
      maxMemoryUsedMb: lines?.[fn.key]?.maxMemoryUsedMb ?? null,
      memorySizeMb: lines?.[fn.key]?.memorySizeMb ?? null,
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

  const age = platform.queueAge ? points(results, QUEUE_AGE_ID) : null;
  // No point in the lookback says nothing about the queue (metrics late, or none published
  // yet): not reported, rather than the "empty" a null would mean. The newest point of the
  // lookback is a gauge (the maximum of its minute), not a sum.
  const queueFigures = sqsQueueFigures(queue, answers.queues, age?.[0]?.value, reported);

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

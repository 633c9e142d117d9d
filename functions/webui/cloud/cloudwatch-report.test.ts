import { describe, expect, it } from "vitest";
import {
  awsColdStartResults,
  awsMetricData,
  deadLetterQueueAttributes,
  FUNCTIONS,
  functionConcurrency,
  localstackMetricData,
  NOW,
  QUEUE,
  ticketQueueAttributes,
} from "../../../tests/fixtures/cloudwatch-answers";
import {
  type MetricResult,
  metricQueries,
  metricRange,
  PLATFORMS,
  queueNameOf,
  type RecordedAnswers,
} from "./cloudwatch-queries";
import { cloudWatchReport } from "./cloudwatch-report";

const answers = (metrics: MetricResult[]): RecordedAnswers => ({
  metrics,
  queues: {
    [QUEUE.url]: ticketQueueAttributes.Attributes,
    [QUEUE.deadLetter.url]: deadLetterQueueAttributes.Attributes,
  },
  reservedConcurrency: Object.fromEntries(
    FUNCTIONS.map((fn) => [fn.key, functionConcurrency[fn.name]?.ReservedConcurrentExecutions]),
  ),
});
const aws = () =>
  cloudWatchReport(
    "prod",
    PLATFORMS.aws,
    FUNCTIONS,
    QUEUE,
    answers(awsMetricData.MetricDataResults),
    NOW,
  );
const byKey = (report: ReturnType<typeof aws>, key: string) => {
  const found = report.functions.find((fn) => fn.key === key);
  if (!found) throw new Error(`no ${key}`);
  return found;
};

describe("metric queries", () => {
  it("asks AWS for every Lambda statistic per function and the queue's age, one-minute periods", () => {
    const queries = metricQueries(FUNCTIONS, QUEUE, PLATFORMS.aws);
    expect(queries).toHaveLength(FUNCTIONS.length * 5 + 1);
    expect(queries.map((q) => q.Id)).toEqual(awsMetricData.MetricDataResults.map((r) => r.Id));
    for (const q of queries) {
      expect(q.MetricStat.Period).toBe(60);
      expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/); // GetMetricData's rule for an Id
    }
    const p95 = queries.find((q) => q.Id === "f0_p95");
    expect(p95?.MetricStat).toMatchObject({
      Stat: "p95",
      Metric: {
        Namespace: "AWS/Lambda",
        MetricName: "Duration",
        Dimensions: [{ Name: "FunctionName", Value: "dockercoins-prod-rng" }],
      },
    });
    expect(queries.at(-1)?.MetricStat.Metric).toEqual({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: QUEUE.name }],
    });
  });

  it("asks LocalStack community only for what it publishes (CloudWatch charges per metric)", () => {
    const queries = metricQueries(FUNCTIONS, QUEUE, PLATFORMS["localstack-community"]);
    expect(queries.map((q) => q.Id)).toEqual(
      localstackMetricData.MetricDataResults.map((r) => r.Id),
    );
  });

  it("asks for the last five whole minutes", () => {
    expect(metricRange(NOW)).toEqual({
      StartTime: new Date("2026-12-06T10:25:00Z"),
      EndTime: new Date("2026-12-06T10:30:00Z"),
    });
  });
});

describe("the report from AWS's recorded answers", () => {
  it("reads the newest complete minute per function", () => {
    const report = aws();
    expect(byKey(report, "rng")).toMatchObject({
      invocationsPerSecond: 10,
      throttles: 12,
      errors: 0, // published, no point in the minute: none happened
      durationP50Ms: 101.2,
      durationP95Ms: 104.9,
      concurrencyLimit: 1,
    });
    expect(byKey(report, "hasher")).toMatchObject({
      invocationsPerSecond: 20,
      errors: 2,
      throttles: 0,
      durationP95Ms: 112.3,
      concurrencyLimit: null, // no reserved concurrency
    });
  });

  it("gives a function with no call in the minute 0 calls and no duration, not the older minute's", () => {
    const worker = byKey(aws(), "worker");
    expect(worker.invocationsPerSecond).toBe(0);
    expect(worker.durationP50Ms).toBeNull();
    expect(aws().reported.durationP50Ms).toBe(true);
  });

  it("reports the queue, its DLQ and the age of the oldest message", () => {
    expect(aws().queues).toEqual([
      {
        name: QUEUE.name,
        visible: 1,
        inFlight: 4,
        oldestAgeSeconds: 4,
        deadLetter: { name: QUEUE.deadLetter.name, messages: 1 },
      },
    ]);
  });

  it("says what CloudWatch cannot know (cold starts: when Logs Insights was not asked) as not reported, null everywhere, never 0", () => {
    const report = aws();
    for (const figure of [
      "instances",
      "busy",
      "waiting",
      "coldStarts",
      "coldStartsTotal",
      "waits",
      "timeouts",
      "maxMemoryUsedMb",
      "memorySizeMb",
      "outOfMemory",
      "concurrencyHistory",
    ] as const) {
      expect(report.reported[figure], figure).toBe(false);
    }
    for (const fn of report.functions) {
      expect([fn.instances, fn.busy, fn.waiting, fn.coldStarts, fn.waits, fn.timeouts]).toEqual([
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
    expect(report.concurrency).toBeNull();
    expect(report).toMatchObject({ stage: "prod", windowSeconds: 60, rateWindowSeconds: 60 });
  });

  it("counts cold starts from Logs Insights' REPORT lines with Init Duration, 0 for none", () => {
    const report = cloudWatchReport(
      "prod",
      PLATFORMS.aws,
      FUNCTIONS,
      QUEUE,
      { ...answers(awsMetricData.MetricDataResults), coldStartRows: awsColdStartResults.results },
      NOW,
    );
    expect(report.reported.coldStarts).toBe(true);
    expect(report.reported.coldStartsTotal).toBe(false);
    expect(report.functions.map((fn) => [fn.key, fn.coldStarts])).toEqual([
      ["rng", 1],
      ["hasher", 2],
      ["worker", 0],
    ]);
    expect(report.source).toMatch(/Logs Insights \(cold starts, memory\)/);
    // Memory from the same REPORT lines; a function without any: reported, nothing measured.
    expect(report.reported.maxMemoryUsedMb).toBe(true);
    expect(report.reported.memorySizeMb).toBe(true);
    expect(report.reported.outOfMemory).toBe(false);
    expect(report.functions.map((fn) => [fn.key, fn.maxMemoryUsedMb, fn.memorySizeMb])).toEqual([
      ["rng", 74, 256],
      ["hasher", 81, 256],
      ["worker", null, null],
    ]);
  });

  it("makes a figure not reported for the stage when one of its queries failed", () => {
    const metrics = awsMetricData.MetricDataResults.map((r) =>
      r.Id === "f1_throttles" ? { ...r, Timestamps: [], Values: [], StatusCode: "Forbidden" } : r,
    );
    const report = cloudWatchReport("prod", PLATFORMS.aws, FUNCTIONS, QUEUE, answers(metrics), NOW);
    expect(report.reported.throttles).toBe(false);
    expect(report.functions.map((fn) => fn.throttles)).toEqual([null, null, null]);
    expect(report.reported.invocationsPerSecond).toBe(true);
  });

  it("says the age of the oldest message is not reported when CloudWatch has no point for it", () => {
    const metrics = awsMetricData.MetricDataResults.map((r) =>
      r.Id === "q0_age" ? { ...r, Timestamps: [], Values: [] } : r,
    );
    const report = cloudWatchReport("prod", PLATFORMS.aws, FUNCTIONS, QUEUE, answers(metrics), NOW);
    expect(report.reported.oldestAgeSeconds).toBe(false);
    expect(report.queues[0]?.oldestAgeSeconds).toBeNull();
    expect(report.queues[0]?.visible).toBe(1);
  });

  it("accepts the SDK's Date timestamps as well as recorded strings", () => {
    const metrics = awsMetricData.MetricDataResults.map((r) => ({
      ...r,
      Timestamps: r.Timestamps.map((t) => new Date(t)),
    }));
    const report = cloudWatchReport("prod", PLATFORMS.aws, FUNCTIONS, QUEUE, answers(metrics), NOW);
    expect(report.functions).toEqual(aws().functions);
  });
});

describe("the report from LocalStack community's recorded answers", () => {
  const local = () =>
    cloudWatchReport(
      "local",
      PLATFORMS["localstack-community"],
      FUNCTIONS,
      QUEUE,
      answers(localstackMetricData.MetricDataResults),
      NOW,
    );

  it("shows Invocations, Errors and the queue depths; the rest not reported", () => {
    const report = local();
    expect(byKey(report, "rng")).toMatchObject({
      invocationsPerSecond: 3,
      errors: 0,
      throttles: null,
      durationP95Ms: null,
    });
    expect(byKey(report, "hasher").errors).toBe(1);
    expect(report.reported).toMatchObject({
      invocationsPerSecond: true,
      errors: true,
      visible: true,
      inFlight: true,
      deadLetterMessages: true,
      throttles: false,
      durationP50Ms: false,
      durationP95Ms: false,
      oldestAgeSeconds: false,
    });
    expect(report.queues[0]?.oldestAgeSeconds).toBeNull();
    expect(report.source).toMatch(/^LocalStack community/);
  });

  it("says a queue depth SQS did not answer is not reported", () => {
    const report = cloudWatchReport(
      "local",
      PLATFORMS["localstack-community"],
      FUNCTIONS,
      QUEUE,
      { ...answers(localstackMetricData.MetricDataResults), queues: {} },
      NOW,
    );
    expect(report.reported.visible).toBe(false);
    expect(report.queues[0]).toMatchObject({
      visible: null,
      inFlight: null,
      deadLetter: { messages: null },
    });
  });
});

describe("queueNameOf", () => {
  it("takes the last segment of a queue URL", () => {
    expect(queueNameOf(QUEUE.url)).toBe(QUEUE.name);
    expect(queueNameOf("http://localstack:4566/000000000000/q-dlq/")).toBe("q-dlq");
  });
});

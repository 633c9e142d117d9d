import { describe, expect, it } from "vitest";
import {
  awsColdStartResults,
  awsMetricData,
  deadLetterQueueAttributes,
  FUNCTIONS,
  functionConcurrency,
  NOW,
  QUEUE,
  ticketQueueAttributes,
} from "../../../tests/fixtures/cloudwatch-answers";
import recordedExecutorStats from "../../../tests/fixtures/host-executor-stats.json";
import type { CloudReportConfig } from "../../shared/config";
import { HttpError } from "../../shared/errors";
import { cachedCloudReport, SERVED_BY_LOCAL_CLOUD } from "./cloud-route";
import { CloudSourceError, type CloudSources } from "./cloud-sources";

const deployed = {
  functions: FUNCTIONS,
  queueUrl: QUEUE.url,
  deadLetterQueueUrl: QUEUE.deadLetter.url,
  cacheMs: 10_000,
};
const config = {
  ...deployed,
  stage: "prod",
  servedBy: "cloudwatch",
  platform: "aws",
} satisfies CloudReportConfig;

/** One report at NOW, failures told to `failed`. */
const reportAtNow = (
  stage: CloudReportConfig,
  sources: CloudSources,
  failed: (err: CloudSourceError) => void = () => {},
) =>
  cachedCloudReport(
    stage,
    async () => sources,
    failed,
    () => NOW,
  )();

/** Ports answering the recorded answers, counting the GetMetricData calls. */
function recordedSources(overrides: Partial<CloudSources> = {}) {
  const calls = {
    metricData: 0,
    asked: [] as string[],
    executorStats: [] as string[],
    insights: [] as { logGroups: string[]; startTime: number; endTime: number }[],
  };
  const sources: CloudSources = {
    metricData: async (queries) => {
      calls.metricData += 1;
      calls.asked = queries.map((q) => q.Id);
      return awsMetricData.MetricDataResults;
    },
    queueAttributes: async (url) =>
      url === QUEUE.url ? ticketQueueAttributes.Attributes : deadLetterQueueAttributes.Attributes,
    reservedConcurrency: async (name) => functionConcurrency[name]?.ReservedConcurrentExecutions,
    logsInsights: async (logGroups, _query, range) => {
      calls.insights.push({ logGroups, ...range });
      return awsColdStartResults.results;
    },
    executorStats: async (url) => {
      calls.executorStats.push(url);
      return recordedExecutorStats;
    },
    ...overrides,
  };
  return { sources, calls };
}

describe("GET /cloud on a deployed stage", () => {
  it("builds the report from the three APIs' answers", async () => {
    const { sources, calls } = recordedSources();
    const report = await reportAtNow(config, sources);
    expect(calls.asked).toHaveLength(16);
    // Cold starts: one Logs Insights query over the three log groups, the reported minute.
    expect(calls.insights).toEqual([
      {
        logGroups: FUNCTIONS.map((fn) => `/aws/lambda/${fn.name}`),
        startTime: Date.parse("2026-12-06T10:29:00Z") / 1000,
        endTime: Date.parse("2026-12-06T10:30:00Z") / 1000,
      },
    ]);
    expect(report.functions.map((fn) => fn.coldStarts)).toEqual([1, 2, 0]);
    expect(
      report.functions.map((fn) => [fn.key, fn.concurrencyLimit, fn.invocationsPerSecond]),
    ).toEqual([
      ["rng", 1, 10],
      ["hasher", null, 20],
      ["worker", null, 0],
    ]);
    expect(report.queues[0]?.deadLetter?.messages).toBe(1);
  });

  it("asks CloudWatch once per cache period, however often and however concurrently it is asked", async () => {
    const { sources, calls } = recordedSources();
    let now = NOW;
    const report = cachedCloudReport(
      config,
      async () => sources,
      () => {},
      () => now,
    );
    await Promise.all([report(), report(), report()]);
    for (let second = 1; second < 10; second++) {
      now = NOW + second * 1000; // a page polling once a second
      await report();
    }
    expect(calls.metricData).toBe(1);
    now = NOW + config.cacheMs;
    await report();
    expect(calls.metricData).toBe(2);
  });

  it("answers 503 naming CloudWatch when it fails, logs the detail, and asks again next time", async () => {
    let fail = true;
    const failed: CloudSourceError[] = [];
    const { sources } = recordedSources({
      metricData: async () => {
        if (fail) throw new CloudSourceError("CloudWatch", new Error("Rate exceeded"));
        return awsMetricData.MetricDataResults;
      },
    });
    const report = cachedCloudReport(
      config,
      async () => sources,
      (err) => failed.push(err),
      () => NOW,
    );
    const err = await report().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ statusCode: 503 });
    expect((err as Error).message).toMatch(/^CloudWatch did not answer/);
    expect((err as Error).message).not.toMatch(/Rate exceeded/);
    expect(failed.map((e) => e.message)).toEqual(["CloudWatch: Rate exceeded"]);
    fail = false;
    await expect(report()).resolves.toMatchObject({ stage: "prod" });
  });
});

describe("GET /cloud on LocalStack host mode", () => {
  const host = {
    ...deployed,
    stage: "local",
    servedBy: "host-executor",
    platform: "localstack-host",
    hostExecutorStatsUrl: "http://127.0.0.1:4566/_host_executor/stats",
  } satisfies CloudReportConfig;

  it("reads the host executor's figures, not CloudWatch nor CloudWatch Logs", async () => {
    const { sources, calls } = recordedSources();
    const report = await reportAtNow(host, sources);
    expect(calls.metricData).toBe(0);
    expect(calls.insights).toEqual([]);
    expect(calls.executorStats).toEqual([host.hostExecutorStatsUrl]);
    expect(report.reported.instances).toBe(true);
    expect(report.functions[0]?.concurrencyLimit).toBe(1);
  });

  it("answers 503 naming the executor when its answer is not its figures", async () => {
    const failed: CloudSourceError[] = [];
    const { sources } = recordedSources({ executorStats: async () => ({ functions: [] }) });
    const err = await reportAtNow(host, sources, (e) => failed.push(e)).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 503 });
    expect((err as Error).message).toMatch(/^LocalStack's host executor did not answer/);
    expect(failed.map((e) => e.message)).toEqual([
      "LocalStack's host executor: now is not a number",
    ]);
  });
});

describe("GET /cloud on stage dev", () => {
  it("answers 404 naming the local cloud's dashboard origin, without asking any API", async () => {
    let asked = false;
    const report = cachedCloudReport(
      { stage: "dev", servedBy: "local-cloud" },
      async () => {
        asked = true;
        return recordedSources().sources;
      },
      () => {},
    );
    await expect(report()).rejects.toMatchObject({
      statusCode: 404,
      message: SERVED_BY_LOCAL_CLOUD,
    });
    expect(asked).toBe(false);
  });
});

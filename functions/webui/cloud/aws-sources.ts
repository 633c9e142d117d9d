/**
 * The ports of the deployed stages' cloud report: the three SDK calls, and in LocalStack host
 * mode one HTTP GET of the host executor's figures; nothing else. Loaded
 * only when a stage other than dev is asked for /cloud, so stage dev never loads these clients.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { GetFunctionConcurrencyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CloudSourceError, type CloudSources } from "./cloud-sources";
import type { MetricResult } from "./cloudwatch-queries";

async function tagged<T>(source: CloudSourceError["source"], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new CloudSourceError(source, err);
  }
}

/** A Logs Insights query over a minute of logs takes a second or two; past this, give up. */
const INSIGHTS_TIMEOUT_MS = 8_000;
const INSIGHTS_POLL_MS = 250;
/** How long the host executor's figures may take (they are in LocalStack's memory). */
const EXECUTOR_STATS_TIMEOUT_MS = 2_000;

export function awsSources(): CloudSources {
  const cloudwatch = new CloudWatchClient({});
  const sqs = new SQSClient({});
  const lambda = new LambdaClient({});
  const logs = new CloudWatchLogsClient({});
  return {
    metricData: (queries, range) =>
      tagged("CloudWatch", async () => {
        const results: MetricResult[] = [];
        let NextToken: string | undefined;
        // One page holds 500 queries' points; the loop only follows a token CloudWatch gives.
        do {
          const page = await cloudwatch.send(
            new GetMetricDataCommand({ MetricDataQueries: queries, ...range, NextToken }),
          );
          results.push(...(page.MetricDataResults ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        return results;
      }),
    queueAttributes: (url) =>
      tagged("SQS", async () => {
        const answer = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: [
              "ApproximateNumberOfMessages",
              "ApproximateNumberOfMessagesNotVisible",
            ],
          }),
        );
        return answer.Attributes ?? {};
      }),
    reservedConcurrency: (functionName) =>
      tagged("Lambda", async () => {
        const answer = await lambda.send(
          new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
        );
        return answer.ReservedConcurrentExecutions;
      }),
    logsInsights: (logGroupNames, queryString, { startTime, endTime }) =>
      tagged("CloudWatch Logs", async () => {
        const { queryId } = await logs.send(
          new StartQueryCommand({ logGroupNames, queryString, startTime, endTime }),
        );
        const deadline = Date.now() + INSIGHTS_TIMEOUT_MS;
        // A query runs asynchronously: poll its results until it is done.
        while (Date.now() < deadline) {
          const answer = await logs.send(new GetQueryResultsCommand({ queryId }));
          if (answer.status === "Complete") return answer.results ?? [];
          if (answer.status !== "Running" && answer.status !== "Scheduled") {
            throw new Error(`Logs Insights query ${answer.status}`);
          }
          await new Promise((resolve) => setTimeout(resolve, INSIGHTS_POLL_MS));
        }
        await logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        throw new Error(`Logs Insights query still running after ${INSIGHTS_TIMEOUT_MS} ms`);
      }),
    executorStats: (url) =>
      tagged("LocalStack's host executor", async () => {
        const answer = await fetch(url, { signal: AbortSignal.timeout(EXECUTOR_STATS_TIMEOUT_MS) });
        if (!answer.ok) throw new Error(`HTTP ${answer.status} from ${url}`);
        return (await answer.json()) as unknown;
      }),
  };
}

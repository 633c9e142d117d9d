/**
 * The ports of the deployed stages' cloud report: the three SDK calls, and in LocalStack host
 * mode one HTTP GET of the host executor's figures; nothing else. Loaded
 * only when a stage other than dev is asked for /cloud, so stage dev never loads these clients.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
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

/** How long the host executor's figures may take (they are in LocalStack's memory). */
const EXECUTOR_STATS_TIMEOUT_MS = 2_000;

export function awsSources(): CloudSources {
  const cloudwatch = new CloudWatchClient({});
  const sqs = new SQSClient({});
  const lambda = new LambdaClient({});
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
    executorStats: (url) =>
      tagged("LocalStack's host executor", async () => {
        const answer = await fetch(url, { signal: AbortSignal.timeout(EXECUTOR_STATS_TIMEOUT_MS) });
        if (!answer.ok) throw new Error(`HTTP ${answer.status} from ${url}`);
        return (await answer.json()) as unknown;
      }),
  };
}

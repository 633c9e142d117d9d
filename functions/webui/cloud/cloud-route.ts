/**
 * GET /cloud of the webui function: on a deployed stage, the report built from CloudWatch, SQS
 * and Lambda (cloudwatch-report.ts), or in LocalStack host mode from the host executor's own
 * figures, SQS and Lambda (host-report.ts), through the ports of aws-sources.ts, cached per instance;
 * on stage dev, a 404 naming who serves it there (the local cloud's dashboard origin).
 */
import type { CloudReport } from "../../shared/cloud-report";
import type { CloudReportConfig } from "../../shared/config";
import { HttpError, ServiceUnavailableError } from "../../shared/errors";
import { CloudSourceError, type CloudSources } from "./cloud-sources";
import {
  type DeployedQueue,
  metricQueries,
  metricRange,
  PLATFORMS,
  queueNameOf,
  reportedMinute,
} from "./cloudwatch-queries";
import { cloudWatchReport } from "./cloudwatch-report";
import { COLD_START_QUERY, logGroupOf } from "./cold-starts";
import { type ExecutorStats, hostExecutorReport, parseExecutorStats } from "./host-report";

export class NotServedHereError extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

export const SERVED_BY_LOCAL_CLOUD =
  "stage dev: /cloud is served by the local cloud's dashboard origin (http://127.0.0.1:8000/cloud), not by the API";

type DeployedConfig = Exclude<CloudReportConfig, { servedBy: "local-cloud" }>;

/** What every deployed stage asks SQS and Lambda: the queues' depths and the limits. */
async function queuesAndLimits(
  config: DeployedConfig,
  queue: DeployedQueue,
  sources: CloudSources,
) {
  const [main, dlq, limits] = await Promise.all([
    sources.queueAttributes(queue.url),
    sources.queueAttributes(queue.deadLetter.url),
    Promise.all(config.functions.map((fn) => sources.reservedConcurrency(fn.name))),
  ]);
  return {
    queues: { [queue.url]: main, [queue.deadLetter.url]: dlq },
    reservedConcurrency: Object.fromEntries(config.functions.map((fn, i) => [fn.key, limits[i]])),
  };
}

/** Asks the platform's APIs at once and builds the report. */
export async function gatherReport(
  config: DeployedConfig,
  sources: CloudSources,
  nowMs: number,
): Promise<CloudReport> {
  const queue: DeployedQueue = {
    name: queueNameOf(config.queueUrl),
    url: config.queueUrl,
    deadLetter: { name: queueNameOf(config.deadLetterQueueUrl), url: config.deadLetterQueueUrl },
  };
  if (config.servedBy === "host-executor") {
    const [answer, common] = await Promise.all([
      sources.executorStats(config.hostExecutorStatsUrl),
      queuesAndLimits(config, queue, sources),
    ]);
    let stats: ExecutorStats;
    try {
      stats = parseExecutorStats(answer);
    } catch (err) {
      throw new CloudSourceError("LocalStack's host executor", err);
    }
    return hostExecutorReport(config.stage, config.functions, queue, { ...common, stats });
  }
  const platform = PLATFORMS[config.platform];
  const [metrics, coldStartRows, common] = await Promise.all([
    sources.metricData(metricQueries(config.functions, queue, platform), metricRange(nowMs)),
    platform.coldStartsFromLogs
      ? sources.logsInsights(
          config.functions.map(logGroupOf),
          COLD_START_QUERY,
          reportedMinute(nowMs),
        )
      : undefined,
    queuesAndLimits(config, queue, sources),
  ]);
  return cloudWatchReport(
    config.stage,
    platform,
    config.functions,
    queue,
    { ...common, metrics, coldStartRows },
    nowMs,
  );
}

/**
 * One report per instance per `cacheMs`, and one request to the APIs at a time: every open
 * page polls once a second, and CloudWatch charges per metric requested.
 */
export function cachedCloudReport(
  config: CloudReportConfig,
  sources: () => Promise<CloudSources>,
  /** Told the detail of a failed API call (the answer only names the API). */
  failed: (err: CloudSourceError) => void,
  now: () => number = Date.now,
): () => Promise<CloudReport> {
  let cached: { at: number; report: CloudReport } | undefined;
  let pending: Promise<CloudReport> | undefined;
  return async () => {
    if (config.servedBy === "local-cloud") throw new NotServedHereError(SERVED_BY_LOCAL_CLOUD);
    const at = now();
    if (cached && at - cached.at < config.cacheMs) return cached.report;
    pending ??= (async () => {
      try {
        const report = await gatherReport(config, await sources(), at);
        cached = { at, report };
        return report;
      } catch (err) {
        if (err instanceof CloudSourceError) {
          failed(err);
          throw new ServiceUnavailableError(
            `${err.source} did not answer for the cloud report; retry shortly`,
          );
        }
        throw err;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

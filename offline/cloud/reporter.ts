/**
 * Serves the local cloud's report (GET /cloud on the dashboard's origin): reads the runner and
 * fauxqs when asked, at most once per REPORT_CACHE_MS however many pages poll, so the figures
 * cost nothing while no page is open.
 */
import type { CloudReport } from "../../functions/shared/cloud-report";

import type { QueueRef } from "../contracts";
import type { QueueDepths } from "../sqs/queue-depths";
import { type FunctionState, localCloudReport, queueStates } from "./local-report";

/** Pages poll once a second; answers this fresh are shared by every page (and test). */
export const REPORT_CACHE_MS = 200;

export interface ReporterSources {
  stage: string;
  /** Every function's instances, waiting calls and measured window (the function runner's). */
  functionStates: () => FunctionState[];
  queues: QueueRef[];
  depths: (queueName: string) => Promise<QueueDepths>;
}

/**
 * The report as the JSON body GET /cloud answers: built and serialised once per
 * REPORT_CACHE_MS, so eight clients polling flat out cost one build, not eight.
 */
export function localCloudReporter(sources: ReporterSources): () => Promise<string> {
  let last: { at: number; report: Promise<string> } | undefined;
  const build = async (): Promise<CloudReport> => {
    const measured = await Promise.all(
      sources.queues.map(async (queue) => ({
        name: queue.name,
        arn: queue.arn,
        ...(await sources.depths(queue.name)),
      })),
    );
    return localCloudReport(
      sources.stage,
      sources.functionStates(),
      queueStates(measured),
      Date.now(),
    );
  };
  return () => {
    const now = performance.now();
    if (!last || now - last.at >= REPORT_CACHE_MS) {
      const report = build().then((built) => JSON.stringify(built));
      // A failed build is not reused: the next request tries again.
      report.catch(() => {
        if (last?.report === report) last = undefined;
      });
      last = { at: now, report };
    }
    return last.report;
  };
}

/**
 * One poller per `sqs` event of serverless.yml: what Lambda's event-source mappings do on AWS.
 * Each invokes its function through the local cloud's runner, as AWS invokes it.
 */
import type { Invoke, SqsEventSource } from "../contracts";
import type { SqsEmulator } from "./emulator";
import { startQueuePoller } from "./poller";

export interface RunningPoller {
  name: string;
  stop: () => Promise<void>;
}

export function startEventSourcePollers(
  sources: readonly SqsEventSource[],
  sqs: SqsEmulator,
  invoke: Invoke,
  log: (line: string) => void,
): RunningPoller[] {
  return sources.map((source) => {
    const poller = startQueuePoller({
      client: sqs.client,
      queueUrl: source.queue.url,
      queueArn: source.queue.arn,
      functionName: source.functionName,
      batchSize: source.batchSize,
      maxConcurrency: source.maxConcurrency,
      reportBatchItemFailures: source.reportBatchItemFailures,
      invoke: (event) => invoke(source.functionName, event),
      arrivals: sqs.arrivals(source.queue.url),
      log,
      // Ctrl-C has already drained the workers (dockercoins.ts); don't wait on stragglers.
      stopGraceMs: 1_000,
    });
    log(
      `${source.queue.name} → ${source.functionKey} (batch ${source.batchSize}, up to ${source.maxConcurrency} at once)`,
    );
    return { name: `poller ${source.functionKey}`, stop: poller.stop };
  });
}

import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { loadWorkerConfig } from "../shared/config";
import { instanceName } from "../shared/instance";
import { createLogger } from "../shared/log";
import { createRedis } from "../shared/redis";
import { sqsTicketQueue } from "../shared/replicas/queue";
import { Replicas } from "../shared/replicas/replicas";
import { MalformedTicketError, parseTicket } from "../shared/replicas/ticket";
import { sleep } from "../shared/time";
import { httpMiningPorts } from "./http-ports";
import { emptyBacklog, storeFailureStreak } from "./mining";
import { takeTurn } from "./turn";

const config = loadWorkerConfig();
const log = createLogger("worker");
const redis = createRedis(config.redis);
const storeStreak = storeFailureStreak(log, instanceName);
const deps = {
  config,
  redis,
  log,
  replicas: new Replicas(redis, sqsTicketQueue(config.queueUrl), config),
  ports: httpMiningPorts(config, config.callTimeoutMs),
  clock: { now: Date.now, sleep },
  storeStreak,
};
/** Counts this warm instance could not save yet; retried by its next turn. */
let backlog = emptyBacklog();

/**
 * SQS consumer: each message is a ticket for one replica's turn. A failed ticket is reported
 * in batchItemFailures, so SQS redelivers it and, after maxReceiveCount, moves it to the DLQ.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    try {
      const ticket = parseTicket(record.body, config.maxReplicas);
      backlog = await takeTurn(deps, ticket, context.getRemainingTimeInMillis(), backlog);
    } catch (err) {
      const receives = record.attributes.ApproximateReceiveCount;
      if (err instanceof MalformedTicketError) {
        // It fails alike at every delivery until SQS moves it to the DLQ: one error line, at
        // the first delivery, rather than one per retry.
        const level = receives === "1" ? "error" : "debug";
        log[level](`malformed ticket rejected (receive ${receives}); it goes to the DLQ`, {
          messageId: record.messageId,
          reason: err.message,
        });
      } else {
        // Part of the instance's outage streak: while Redis is down, every redelivered
        // ticket fails alike; the first failure says so, the recovery (a saved flush) ends it.
        storeStreak.failed(err, (_, fields) =>
          log.error("turn failed; SQS will redeliver the ticket (quiet until counts save again)", {
            err,
            receives,
            ...fields,
          }),
        );
      }
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

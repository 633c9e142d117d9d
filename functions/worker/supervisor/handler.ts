import { loadReplicaConfig } from "../../shared/config";
import { failureText } from "../../shared/failure";
import { createLogger } from "../../shared/log";
import { createRedis } from "../../shared/redis";
import { sqsTicketQueue } from "../../shared/replicas/queue";
import { Replicas } from "../../shared/replicas/replicas";
import { triggerOf } from "./trigger";

const config = loadReplicaConfig();
const log = createLogger("supervisor");
const replicas = new Replicas(createRedis(config.redis), sqsTicketQueue(config.queueUrl), config);

/**
 * Runs on a schedule (and once when the local cloud starts): keeps one live ticket per wanted
 * replica, re-issuing lost ones. Lambda cannot loop forever; this keeps the loop alive. A
 * scheduled run always says so (once a minute), so that the schedule is seen to fire.
 */
export const handler = async (event?: unknown): Promise<{ desired: number; issued: number[] }> => {
  const trigger = triggerOf(event);
  const result = await replicas.issueMissingTickets().catch((err: unknown) => {
    // The Upstash client's message carries the whole request; this run's error says only why.
    throw new Error(`could not issue tickets: ${failureText(err)}`);
  });
  const context = { desired: result.desired, trigger };
  if (result.issued.length > 0) {
    log.info(`issued tickets to replicas ${result.issued.join(", ")}`, context);
  } else if (trigger === "schedule") {
    log.info("scheduled run: every wanted replica has a ticket or a lease", context);
  } else {
    log.debug("every wanted replica has a ticket or a lease", context);
  }
  return result;
};

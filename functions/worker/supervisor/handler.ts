import { loadReplicaConfig } from "../../shared/config";
import { createLogger } from "../../shared/log";
import { createRedis } from "../../shared/redis";
import { sqsTicketQueue } from "../../shared/replicas/queue";
import { Replicas } from "../../shared/replicas/replicas";

const config = loadReplicaConfig();
const log = createLogger("supervisor");
const replicas = new Replicas(createRedis(config.redis), sqsTicketQueue(config.queueUrl), config);

/**
 * Runs on a schedule (and once when the local cloud starts): keeps one live ticket per wanted
 * replica, re-issuing lost ones. Lambda cannot loop forever; this keeps the loop alive.
 */
export const handler = async (): Promise<{ desired: number; issued: number[] }> => {
  const result = await replicas.issueMissingTickets();
  if (result.issued.length > 0) {
    log.info(`issued tickets to replicas ${result.issued.join(", ")}`, { desired: result.desired });
  } else {
    log.debug("every wanted replica has a ticket or a lease", { desired: result.desired });
  }
  return result;
};

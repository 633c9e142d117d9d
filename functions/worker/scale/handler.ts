import { isAuthorized } from "../../shared/auth";
import { loadScaleConfig } from "../../shared/config";
import { HttpError, ServiceUnavailableError } from "../../shared/errors";
import { httpHandler, json } from "../../shared/http";
import { createLogger } from "../../shared/log";
import { createRedis } from "../../shared/redis";
import { sqsTicketQueue } from "../../shared/replicas/queue";
import { Replicas } from "../../shared/replicas/replicas";
import { parseScaleRequest } from "./request";

const config = loadScaleConfig();
const log = createLogger("scale");
const replicas = new Replicas(createRedis(config.redis), sqsTicketQueue(config.queueUrl), config);

/**
 * PUT /workers {"replicas": N} with `Authorization: Bearer <SCALE_TOKEN>`: the serverless
 * `docker-compose up --scale worker=N`. New replicas get tickets at once; extra ones retire
 * at their next flush (about a second).
 */
export const handler = httpHandler(
  log,
  async (event) => {
    const authorization = event.headers.Authorization ?? event.headers.authorization;
    if (!isAuthorized(authorization, config.scaleToken)) {
      throw new HttpError(401, "a valid 'Authorization: Bearer <SCALE_TOKEN>' header is required");
    }
    const wanted = parseScaleRequest(event.body, event.isBase64Encoded, config.maxReplicas);
    let result: Awaited<ReturnType<Replicas["scale"]>>;
    try {
      result = await replicas.scale(wanted);
    } catch (err) {
      log.warn("could not scale: Redis or SQS unavailable", { err });
      throw new ServiceUnavailableError("Redis or SQS is unavailable; retry shortly");
    }
    log.info(`scaled workers from ${result.previous} to ${result.desired}`, {
      issued: result.issued,
    });
    return json(200, result);
  },
  { "access-control-allow-origin": config.dashboardOrigin, vary: "origin" },
);

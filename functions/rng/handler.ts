import { randomBytes } from "node:crypto";
import { loadRngConfig } from "../shared/config";
import { binary, httpHandler, text } from "../shared/http";
import { instanceName } from "../shared/instance";
import { createLogger } from "../shared/log";
import { sleep } from "../shared/time";
import { parseByteCount } from "./byte-count";
import { checkFault } from "./fault";

const config = loadRngConfig();
const log = createLogger("rng");
const startedAt = Date.now();

/** GET /rng: a banner; GET /rng/{bytes}: that many random bytes, after the simulated delay. */
export const handler = httpHandler(log, async (event) => {
  checkFault(startedAt, Date.now(), config.faultMs);
  const raw = event.pathParameters?.bytes;
  if (raw === undefined) return text(`RNG running on ${instanceName}\n`);
  const count = parseByteCount(raw, config.maxBytes);
  await sleep(config.delayMs);
  return binary(randomBytes(count));
});

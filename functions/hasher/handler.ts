import { loadHasherConfig } from "../shared/config";
import { httpHandler, text } from "../shared/http";
import { instanceName } from "../shared/instance";
import { createLogger } from "../shared/log";
import { sleep } from "../shared/time";
import { bodyBytes, sha256Hex } from "./body";

const config = loadHasherConfig();
const log = createLogger("hasher");

/** POST /hasher: the SHA-256 of the raw body as lowercase hex; GET /hasher: a banner. */
export const handler = httpHandler(log, async (event) => {
  if (event.httpMethod === "GET") return text(`HASHER running on ${instanceName}\n`);
  const bytes = bodyBytes(event.body, event.isBase64Encoded, config.maxBytes);
  await sleep(config.delayMs);
  return text(sha256Hex(bytes));
});

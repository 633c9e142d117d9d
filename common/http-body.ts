/**
 * Reading a request body with a size cap, for our node:http servers (the Upstash bridges, host
 * mode's function runtime). Node's own modules only: host mode's runtime is bundled from it.
 */
import type { IncomingMessage } from "node:http";

/** Why a body was not read: over the limit (answer 413) or the client went away (nobody to answer). */
export class BodyReadError extends Error {
  override readonly name = "BodyReadError";
  constructor(
    readonly reason: "too large" | "aborted",
    readonly limit: number,
  ) {
    super(reason === "too large" ? `body over ${limit} bytes` : "request aborted");
  }
}

/**
 * The body, up to `limit` bytes. Over it, it fails once with a BodyReadError("too large") and
 * keeps nothing, so that the caller answers 413 while the rest of the body still arrives:
 * - a Content-Length over the limit fails before anything is read; once the answer is sent,
 *   Node reads and drops the unread body itself (IncomingMessage._dump);
 * - a body that passes the limit as it streams (chunked) stops being collected, and the rest is
 *   read and dropped here (Node does not dump a body that has a reader).
 * Either way the client reads the answer instead of a reset connection (server.requestTimeout
 * bounds a body that never ends).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      reject(new BodyReadError("too large", limit));
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      req.off("data", onData);
      req.resume();
      reject(new BodyReadError("too large", limit));
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => reject(new BodyReadError("aborted", limit)));
  });
}

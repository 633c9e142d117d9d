/** HTTP plumbing for the Upstash bridge: body reading with a size cap, JSON replies, lifecycle. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { isLoopbackHostname } from "../http-guard";
import { BridgeHttpError, type Json } from "./protocol";

/** How long closeServer() lets in-flight requests finish before cutting their sockets. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Reads the body. Past the limit (or a Content-Length over it) it fails at once with a 413,
 * keeping nothing: once the 413 is sent, Node reads and drops the rest of the body
 * (IncomingMessage._dump), so that the client reads the 413 instead of a reset connection
 * (server.requestTimeout bounds a body that never ends).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => {
      chunks.length = 0;
      reject(
        new BridgeHttpError(413, `ERR max request size exceeded: the limit is ${limit} bytes`),
      );
    };
    if (Number(req.headers["content-length"] ?? 0) > limit) return tooLarge();
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => reject(new BridgeHttpError(400, "ERR the request was aborted")));
  });
}

export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server is not on TCP");
  return address.port;
}

/** Stops accepting, drops idle keep-alive sockets now and busy ones after a grace period. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  await closed;
  clearTimeout(force);
}

export function sendJson(res: ServerResponse, status: number, body: Json): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** A bind address on loopback ("127.0.0.1", "::1", "localhost"), by the guard's own table. */
export function isLoopback(host: string): boolean {
  return isLoopbackHostname(host.includes(":") ? `[${host}]` : host);
}

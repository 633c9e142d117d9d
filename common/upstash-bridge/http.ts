/** HTTP plumbing for the Upstash bridge: body reading with a size cap, JSON replies, lifecycle. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { BodyReadError, readBody as readCappedBody } from "../http-body";
import { isLoopbackHostname } from "../http-guard";
import { BridgeHttpError, type Json } from "./protocol";

/** How long closeServer() lets in-flight requests finish before cutting their sockets. */
const CLOSE_GRACE_MS = 1_000;

/** The body (common/http-body.ts), failing with the bridge's Upstash-style errors: 413, 400. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readCappedBody(req, limit);
  } catch (err) {
    if (!(err instanceof BodyReadError)) throw err;
    throw err.reason === "too large"
      ? new BridgeHttpError(413, `ERR max request size exceeded: the limit is ${limit} bytes`)
      : new BridgeHttpError(400, "ERR the request was aborted");
  }
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

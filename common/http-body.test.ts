import { once } from "node:events";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BodyReadError, readBody } from "./http-body";

const LIMIT = 100 * 1024;

interface Seen {
  outcome: Buffer | BodyReadError;
  /** The request's own 'data' listeners once readBody settled: none left after an overflow. */
  dataListeners: number;
  /** Resolves once the whole body has been read off the wire (collected or dropped). */
  ended: Promise<unknown>;
}

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server that reads each body with readBody and answers 200 or the 413 JSON. */
async function start(seen: Seen[]): Promise<number> {
  server = createServer((req: IncomingMessage, res) => {
    const ended = once(req, "end");
    readBody(req, LIMIT).then(
      (body) => {
        seen.push({ outcome: body, dataListeners: req.listenerCount("data"), ended });
        res.end(`got ${body.length}`);
      },
      (err: BodyReadError) => {
        seen.push({ outcome: err, dataListeners: req.listenerCount("data"), ended });
        res.writeHead(413, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: err.message }));
      },
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** POSTs `chunks` (chunked unless a Content-Length is given); resolves with status and body. */
function post(
  port: number,
  chunks: Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("readBody", () => {
  it("collects a body up to the limit", async () => {
    const seen: Seen[] = [];
    const port = await start(seen);
    const answer = await post(port, [Buffer.alloc(LIMIT / 2, 1), Buffer.alloc(LIMIT / 2, 2)]);
    expect(answer).toEqual({ status: 200, body: `got ${LIMIT}` });
  });

  it("fails at once on a Content-Length over the limit; the client reads the 413", async () => {
    const seen: Seen[] = [];
    const port = await start(seen);
    const body = Buffer.alloc(LIMIT + 1, 1);
    const answer = await post(port, [body], { "content-length": String(body.length) });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `body over ${LIMIT} bytes` });
    expect(seen[0]?.outcome).toMatchObject({ reason: "too large", limit: LIMIT });
  });

  it("stops collecting a chunked body once past the limit and drops the rest", async () => {
    const seen: Seen[] = [];
    const port = await start(seen);
    // 1 MB in 64 KB chunks: the limit is passed early, most chunks come after it.
    const chunks = Array.from({ length: 16 }, () => Buffer.alloc(64 * 1024, 1));
    const answer = await post(port, chunks);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `body over ${LIMIT} bytes` });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.outcome).toBeInstanceOf(BodyReadError);
    expect(seen[0]?.dataListeners).toBe(0);
    // Read to its end, not left on the wire: the connection is not reset.
    await seen[0]?.ended;
  });
});

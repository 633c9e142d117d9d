import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../../functions/shared/errors";
import { httpMiningPorts } from "../../functions/worker/http-ports";

// The worker's HTTP calls against a misbehaving rng and hasher on real sockets: the original
// worker waited forever on a hung rng and hashed error pages. Each call here must fail fast,
// as an UpstreamError, which the mining loop backs off from (faults-rng.test.ts).
const TIMEOUT_MS = 500;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/hang/")) return; // never answers
    if (req.url?.startsWith("/broken/")) {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>Internal Server Error</h1>");
      return;
    }
    if (req.url?.startsWith("/short/")) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.alloc(3));
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }); // a 200 that is not a digest
    res.end("<html>welcome</html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ports = (kind: string) =>
  httpMiningPorts({ rngUrl: `${base}/${kind}`, hasherUrl: `${base}/${kind}/hasher` }, TIMEOUT_MS);

describe("the worker's rng and hasher calls", () => {
  it("give up on a hung rng after the call timeout, not never", async () => {
    const started = Date.now();
    await expect(ports("hang").random(32)).rejects.toThrow(UpstreamError);
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it("refuse an error page instead of hashing it", async () => {
    const err = await ports("broken")
      .random(32)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).statusCode).toBe(500);
    await expect(ports("broken").hash(new Uint8Array(32))).rejects.toThrow(/HTTP 500/);
  });

  it("refuse a short answer from rng and a hasher answer that is not a digest", async () => {
    await expect(ports("short").random(32)).rejects.toThrow(/asked for 32 bytes, got 3/);
    await expect(ports("page").hash(new Uint8Array(32))).rejects.toThrow(/not a SHA-256/);
  });
});

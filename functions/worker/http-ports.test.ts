import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../shared/errors";
import { httpMiningPorts } from "./http-ports";

// A real HTTP server on loopback playing rng and hasher, misbehaving on request.
let mode: "ok" | "error" | "short" | "hang" | "not-hex" = "ok";
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (mode === "hang") return; // never answers
  if (mode === "error") return void res.writeHead(500).end("boom");
  if (req.url?.startsWith("/rng/")) {
    const n = Number(req.url.slice(5)) - (mode === "short" ? 1 : 0);
    return void res
      .writeHead(200, { "content-type": "application/octet-stream" })
      .end(Buffer.alloc(n, 1));
  }
  req.resume();
  req.on("end", () => res.writeHead(200).end(mode === "not-hex" ? "<html>" : "0".repeat(64)));
});
let ports: ReturnType<typeof httpMiningPorts>;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ports = httpMiningPorts({ rngUrl: `${base}/rng`, hasherUrl: `${base}/hasher` }, 300);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("httpMiningPorts", () => {
  it("gets n bytes from rng and a hex digest from hasher", async () => {
    mode = "ok";
    expect(await ports.random(32)).toHaveLength(32);
    expect(await ports.hash(new Uint8Array(32))).toBe("0".repeat(64));
  });

  it("treats an error status, a short answer or a non-digest as an upstream error", async () => {
    mode = "error";
    await expect(ports.random(32)).rejects.toMatchObject({
      name: "UpstreamError",
      statusCode: 500,
    });
    mode = "short";
    await expect(ports.random(32)).rejects.toThrow(/asked for 32 bytes, got 31/);
    mode = "not-hex";
    await expect(ports.hash(new Uint8Array(1))).rejects.toThrow(/not a SHA-256 hex digest/);
  });

  it("gives up on a call that gets no answer within its timeout", async () => {
    mode = "hang";
    const started = Date.now();
    await expect(ports.random(32)).rejects.toBeInstanceOf(UpstreamError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../../tests/support/net";
import { ResponseCache } from "./response-cache";

// A real HTTP upstream on loopback that counts its calls and can be switched to failing.
let calls = 0;
let failing = false;
let upstream: Server;
let url: string;

beforeAll(async () => {
  const [base, server] = await serve((_req, res) => {
    calls += 1;
    setTimeout(() => {
      res.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ calls }));
    }, 20);
  });
  upstream = server;
  url = `${base}/json`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

describe("ResponseCache", () => {
  it("shares one upstream call between concurrent misses and reuses it while fresh", async () => {
    let now = 0;
    const cache = new ResponseCache(url, 250, () => now);
    calls = 0;
    const answers = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(calls).toBe(1);
    expect(answers.map((a) => a.body.toString())).toEqual(Array(3).fill('{"calls":1}'));
    now = 249;
    await cache.get();
    expect(calls).toBe(1);
    now = 250;
    expect((await cache.get()).body.toString()).toBe('{"calls":2}');
  });

  it("does not keep errors", async () => {
    let now = 0;
    const cache = new ResponseCache(url, 250, () => now);
    failing = true;
    expect((await cache.get()).status).toBe(503);
    failing = false;
    now = 1;
    expect((await cache.get()).status).toBe(200);
  });
});

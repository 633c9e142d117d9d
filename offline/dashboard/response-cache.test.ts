import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseCache } from "./response-cache";

// A real HTTP upstream on loopback that counts its calls and can be switched to failing.
let calls = 0;
let failing = false;
const upstream = createServer((_req, res) => {
  calls += 1;
  setTimeout(() => {
    res.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ calls }));
  }, 20);
});
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/json`;
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

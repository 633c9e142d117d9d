import { createHash } from "node:crypto";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { portIsClosed } from "../support/net";
import { cloudSqs, DEAD_LETTER_QUEUE, TICKET_QUEUE } from "../support/sqs";

// The whole flow on the real local cloud: serverless-offline, redis-server, the bridge, fauxqs.
// Delays are shortened so that coins appear within seconds; the DLQ settings make a poison
// ticket reach the dead-letter queue in seconds instead of minutes.
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "20",
    HASHER_MAX_BYTES: "4096",
    WORKER_SLICE_MS: "2000",
    WORKER_QUEUE_VISIBILITY_SECONDS: "4",
    WORKER_MAX_RECEIVES: "2",
  });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const getJson = async (url: string) => {
  const res = await fetch(url);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the local cloud (npm start)", () => {
  it("announces each component's readiness and the dashboard URL", () => {
    const text = cloud.output.join("\n");
    expect(text).toMatch(/redis\s+\| ready on redis:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/bridge\s+\| Upstash REST bridge ready/);
    expect(text).toMatch(/sqs\s+\| fauxqs ready .*dockercoins-dev-worker-tickets/);
    expect(text).toMatch(/poller\s+\| dockercoins-dev-worker-tickets → worker \(batch 1/);
    expect(text).toContain(`dashboard  ${cloud.dashboardUrl}`);
  });

  it("reports its own memory and live handles on the dashboard origin, with no message port", async () => {
    const { status, body } = await getJson(`${cloud.dashboardUrl}/local-cloud/stats`);
    expect(status).toBe(200);
    expect(body.pid).toBe(cloud.process.pid);
    expect((body.memory as { rss: number }).rss).toBeGreaterThan(50 * 1024 * 1024);
    const resources = body.resources as Record<string, number>;
    expect(resources.TCPServerWrap).toBeGreaterThanOrEqual(4); // API, invoke, dashboard, bridge…
    // serverless-offline 13's worker threads left a MessagePort per invocation (never closed).
    expect(resources.MessagePort ?? 0).toBe(0);
    // ?gc=1: the same figures after a full GC in the process and each sandbox (the load tests').
    const collected = await getJson(`${cloud.dashboardUrl}/local-cloud/stats?gc=1`);
    expect(collected.status).toBe(200);
    expect(collected.body.pid).toBe(cloud.process.pid);
    expect(collected.body.functionHost).toMatchObject({ heapUsed: expect.any(Number) });
  });

  it("rng answers n random bytes that differ between calls", async () => {
    const fetchBytes = async () => {
      const res = await fetch(`${cloud.apiUrl}/rng/32`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      return Buffer.from(await res.arrayBuffer());
    };
    const [a, b] = [await fetchBytes(), await fetchBytes()];
    expect(a).toHaveLength(32);
    expect(b).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    const big = await fetch(`${cloud.apiUrl}/rng/100000`);
    expect(Buffer.from(await big.arrayBuffer())).toHaveLength(100000);
  });

  it("rng answers a banner, and 400 JSON for a bad byte count", async () => {
    expect(await (await fetch(`${cloud.apiUrl}/rng`)).text()).toMatch(/^RNG running on /);
    for (const bad of ["abc", "-1", "1.5", "2000000"]) {
      const { status, body } = await getJson(`${cloud.apiUrl}/rng/${bad}`);
      expect(status).toBe(400);
      expect(body.error).toMatch(/byte count/);
    }
  });

  it("hasher equals node:crypto on a binary payload sent over HTTP", async () => {
    const payload = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));
    const res = await fetch(`${cloud.apiUrl}/hasher`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(createHash("sha256").update(payload).digest("hex"));
    expect(await (await fetch(`${cloud.apiUrl}/hasher`)).text()).toMatch(/^HASHER running on /);
  });

  it("hasher answers 413 JSON for a body over HASHER_MAX_BYTES", async () => {
    const res = await fetch(`${cloud.apiUrl}/hasher`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.alloc(4097),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/4097 bytes; at most 4096/);
  });

  it("the worker raises hashes within seconds, and /json on the dashboard origin shows it", async () => {
    const first = await eventually(
      async () => {
        const { body } = await getJson(`${cloud.dashboardUrl}/json`);
        return (body.hashes as number) > 0 ? body : undefined;
      },
      20_000,
      "hashes > 0",
    );
    expect(typeof first.coins).toBe("number");
    expect(typeof first.now).toBe("number");
    expect(first.workers).toEqual({ desired: 1, active: 1 });
    await eventually(
      async () => {
        const { body } = await getJson(`${cloud.dashboardUrl}/json`);
        return (body.hashes as number) > (first.hashes as number) ? body : undefined;
      },
      10_000,
      "hashes to rise",
    );
    // The per-second series shows only complete seconds (SERIES_LAG_SECONDS behind now).
    await eventually(
      async () => {
        const { body } = await getJson(`${cloud.dashboardUrl}/json`);
        return (body.series as { hashes: number[] }).hashes.some((n) => n > 0) ? true : undefined;
      },
      10_000,
      "a non-zero second in the series",
    );
  });

  it("a coin lands in wallet: a hash starting with 0, stored with its bytes as hex", async () => {
    const redis = new Redis({
      url: cloud.bridgeUrl,
      token: cloud.tokens.redisRestToken,
      enableTelemetry: false,
    });
    const wallet = await eventually(
      async () => {
        const coins = await redis.hgetall<Record<string, string>>("wallet");
        return coins && Object.keys(coins).length > 0 ? coins : undefined;
      },
      20_000,
      "a coin in wallet",
    );
    for (const [hash, bytesHex] of Object.entries(wallet)) {
      expect(hash.startsWith("0")).toBe(true);
      expect(
        createHash("sha256")
          .update(Buffer.from(String(bytesHex), "hex"))
          .digest("hex"),
      ).toBe(hash);
    }
  });

  it("the dashboard serves its page, and / redirects to it as the original did", async () => {
    const root = await fetch(`${cloud.dashboardUrl}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/index.html");
    const page = await fetch(`${cloud.dashboardUrl}/index.html`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("DockerCoin Miner");
    expect((await fetch(`${cloud.dashboardUrl}/..%2fpackage.json`)).status).toBe(404);
  });

  it("a ticket that always fails ends in the dead-letter queue", async () => {
    const sqs = cloudSqs(cloud);
    await sqs.send(TICKET_QUEUE, "not json");
    const dlqUrl = await sqs.queueUrl(DEAD_LETTER_QUEUE);
    const dead = await eventually(
      async () => {
        const out = await sqs.client.send(
          new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }),
        );
        return out.Messages?.find((m) => m.Body === "not json");
      },
      30_000,
      "the poison ticket in the DLQ",
    );
    expect(dead.Body).toBe("not json");
    // Logged once, at its first delivery, though it was delivered WORKER_MAX_RECEIVES times.
    expect(cloud.output.filter((l) => l.includes("malformed ticket rejected"))).toHaveLength(1);
  });

  it("Ctrl-C stops every process it started within 3 seconds", async () => {
    const { code, ms } = await cloud.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
    for (const port of Object.values(cloud.ports)) expect(await portIsClosed(port)).toBe(true);
    expect(cloud.output.join("\n")).toMatch(/replica 0: turn over, \d+ hashes; halted/);
  });
});

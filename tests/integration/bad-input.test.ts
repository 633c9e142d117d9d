import { createHash } from "node:crypto";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, serverErrors } from "../support/http-probe";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { cloudSqs, DEAD_LETTER_QUEUE, TICKET_QUEUE } from "../support/sqs";

// Bad input over HTTP and SQS against the real local cloud: each case must get a clear 4xx
// JSON error (or, where the input is valid after all, the right answer), never a 5xx or a
// crash, and the service must keep answering. Cases already proven elsewhere are not repeated
// here (docs/reliability.md lists which test proves which case).
const SCALE_TOKEN = "bad-input-test-token-0123456789";
const HASHER_MAX_BYTES = 4096;
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "50",
    HASHER_MAX_BYTES: String(HASHER_MAX_BYTES),
    SCALE_TOKEN,
    WORKER_QUEUE_VISIBILITY_SECONDS: "3",
    WORKER_MAX_RECEIVES: "2",
  });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** A 4xx whose body is a JSON object with a non-empty `error` string. */
function expectClear4xx(res: Awaited<ReturnType<typeof probe>>, status?: number) {
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.contentType).toMatch(/^application\/json/);
  const message = res.json?.error ?? res.json?.message;
  expect(typeof message).toBe("string");
  expect(String(message).length).toBeGreaterThan(0);
}

describe("bad input never gets a 5xx or a crash", () => {
  it("takes a token from the environment, makes the others random, and prints them at start", () => {
    const said = cloud.output.join("\n");
    expect(said).toContain(`know the token: ${SCALE_TOKEN})`);
    // No UPSTASH_REDIS_REST_TOKEN here: the one made in the state folder.
    expect(cloud.tokens.redisRestToken).toMatch(/^[\w-]{43}$/);
    expect(said).toContain(
      `Upstash REST bridge ready on ${cloud.bridgeUrl} (token ${cloud.tokens.redisRestToken})`,
    );
    expect(said).toMatch(/tokens: made in \S+tokens\.json/);
  });

  it("rng: 400 JSON for a byte count that is not a plain integer in range", async () => {
    const cases = ["abc", "-1", "1.5", "1e3", "00032", "99999999999999999999", "2000000", "%20"];
    for (const bad of cases) {
      const res = await probe(`${cloud.apiUrl}/rng/${bad}`);
      expectClear4xx(res, 400);
      expect(res.json?.error).toMatch(/byte count/);
    }
  });

  it("rng: an empty byte count is the banner, a wrong method a 4xx JSON error", async () => {
    // `/rng/` routes to `/rng` (API Gateway ignores a trailing slash): the banner, not an error.
    const empty = await probe(`${cloud.apiUrl}/rng/`);
    expect(empty.status).toBe(200);
    expect(empty.text).toMatch(/^RNG running on /);
    for (const method of ["POST", "DELETE", "PUT"]) {
      expectClear4xx(await probe(`${cloud.apiUrl}/rng/32`, { method, body: "x" }));
    }
  });

  it("hasher: an empty body is valid and answers the hash of nothing", async () => {
    for (const headers of [{ "content-type": "application/octet-stream" }, undefined]) {
      const res = await probe(`${cloud.apiUrl}/hasher`, { method: "POST", headers, body: "" });
      expect(res.status).toBe(200);
      expect(res.text).toBe(sha256(""));
    }
  });

  it("hasher: 413 JSON just over the limit, 200 at the limit", async () => {
    const post = (size: number) =>
      probe(`${cloud.apiUrl}/hasher`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: Buffer.alloc(size, 7),
      });
    expect((await post(HASHER_MAX_BYTES)).text).toBe(sha256(Buffer.alloc(HASHER_MAX_BYTES, 7)));
    const over = await post(HASHER_MAX_BYTES + 1);
    expectClear4xx(over, 413);
    expect(over.json?.error).toMatch(/at most 4096/);
  });

  it("hasher: another content type is hashed as its UTF-8 text (documented), not refused", async () => {
    const text = "héllo, DockerCoins ✓";
    for (const type of ["text/plain", "application/json", "application/x-www-form-urlencoded"]) {
      const res = await probe(`${cloud.apiUrl}/hasher`, {
        method: "POST",
        headers: { "content-type": type },
        body: text,
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe(sha256(Buffer.from(text, "utf8")));
    }
  });

  it("hasher: a wrong method is a 4xx JSON error", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      expectClear4xx(await probe(`${cloud.apiUrl}/hasher`, { method, body: "x" }));
    }
  });

  it("/json ignores odd query strings and answers its counters", async () => {
    const queries = [
      "?x=1",
      "?callback=alert(1)",
      "?a[]=1&a[]=2&a[]=3",
      "?%E2%9C%93=%00",
      "?=&&=&",
      `?q=${"z".repeat(4000)}`,
    ];
    for (const query of queries) {
      for (const base of [cloud.apiUrl, cloud.dashboardUrl]) {
        const res = await probe(`${base}/json${query}`);
        expect(res.status).toBe(200);
        expect(typeof res.json?.hashes).toBe("number");
        expect(res.text).not.toContain("alert");
      }
    }
  });

  it("scale: odd bodies and tokens are 400 or 401 JSON (no-token/-1/1e9/non-JSON: scaling.test.ts)", async () => {
    const put = (body: string, authorization?: string) =>
      probe(`${cloud.apiUrl}/workers`, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
    const auth = `Bearer ${SCALE_TOKEN}`;
    for (const body of ["", "null", "[]", '{"replicas":"3"}', '{"replicas":null}', "{}"]) {
      expectClear4xx(await put(body, auth), 400);
    }
    for (const authorization of [
      `Basic ${SCALE_TOKEN}`,
      `Bearer ${SCALE_TOKEN.slice(0, -1)}`,
      `Bearer ${SCALE_TOKEN}x`,
      "Bearer ",
      SCALE_TOKEN,
    ]) {
      expectClear4xx(await put('{"replicas":1}', authorization), 401);
    }
    const stats = await probe(`${cloud.apiUrl}/json`);
    expect(stats.json?.workers).toMatchObject({ desired: 1 });
  });

  it("malformed tickets (not JSON, unknown replica, wrong shape) reach the DLQ and stop there", async () => {
    const sqs = cloudSqs(cloud);
    const poison = [
      "{not json",
      JSON.stringify({ replica: 999, id: "unknown-replica" }),
      JSON.stringify({ replica: 0 }),
      JSON.stringify([0, "array"]),
      JSON.stringify({ replica: "0", id: "string-replica" }),
    ];
    for (const body of poison) await sqs.send(TICKET_QUEUE, body);
    const dlqUrl = await sqs.queueUrl(DEAD_LETTER_QUEUE);
    const dead = new Set<string>();
    await eventually(
      async () => {
        const out = await sqs.client.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            WaitTimeSeconds: 1,
            MaxNumberOfMessages: 10,
          }),
        );
        for (const m of out.Messages ?? []) if (m.Body !== undefined) dead.add(m.Body);
        return poison.every((body) => dead.has(body)) ? true : undefined;
      },
      40_000,
      "every poison ticket in the DLQ",
    );
    const rejections = () =>
      cloud.output.filter((l) => l.includes("malformed ticket rejected")).length;
    // One error line per poison ticket (at its first of WORKER_MAX_RECEIVES deliveries), then
    // no more: nothing is retried once it is in the DLQ.
    const settled = rejections();
    expect(settled).toBe(poison.length);
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // > the visibility timeout
    expect(rejections()).toBe(settled);
    sqs.client.destroy();
  });

  it("keeps answering afterwards, and no function answered 5xx or crashed", async () => {
    const bytes = await fetch(`${cloud.apiUrl}/rng/32`);
    expect(bytes.status).toBe(200);
    expect((await bytes.arrayBuffer()).byteLength).toBe(32);
    expect((await probe(`${cloud.apiUrl}/hasher`, { method: "POST", body: "a" })).text).toBe(
      sha256("a"),
    );
    expect((await probe(`${cloud.dashboardUrl}/json`)).status).toBe(200);
    expect(serverErrors(cloud.output)).toEqual([]);
    const { code } = await cloud.stop();
    expect(code).toBe(0);
  });
});

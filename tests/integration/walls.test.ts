/**
 * The local cloud's outer wall (common/http-guard.ts), server by server, on the real local
 * cloud: a request from a foreign page (its Origin) or from a page whose host name rebinds to
 * 127.0.0.1 (its Host) gets 403 before any handler runs, and changes nothing; the same request
 * without them (curl, the SDKs, the functions) goes through. Each refused request is paired
 * with one that shows it would have changed something had it got in.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import { keys } from "../../functions/shared/keys";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { corsHeadersOf, type RawAnswer, rawRequest } from "../support/raw-http";
import { DEAD_LETTER_QUEUE, queueDepth } from "../support/sqs";

const FOREIGN_ORIGIN = "http://evil.example";
let cloud: LocalCloud;
let redis: Redis;

beforeAll(async () => {
  cloud = await startLocalCloud({ WORKER_REPLICAS: "1" });
  redis = new Redis({
    url: cloud.bridgeUrl,
    token: cloud.tokens.redisRestToken,
    enableTelemetry: false,
  });
}, 120_000);

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

/** The wanted replica count, read in Redis (GET /json is cached). */
const desired = async () => Number(await redis.get(keys.desiredReplicas));

const dlqDepth = () => queueDepth(cloud, DEAD_LETTER_QUEUE);

/** What a server is sent, and how to see whether it was done. */
interface StateChange {
  server: string;
  url: () => string;
  method: string;
  headers: () => Record<string, string>;
  body: (n: number) => string;
  /** The state the call changes, read independently. */
  read: () => Promise<unknown>;
  /** The state once call n went through. */
  after: (n: number) => unknown;
}

const bearer = (token: () => string) => () => ({
  "content-type": "application/json",
  authorization: `Bearer ${token()}`,
});
const scaleToken = () => cloud.tokens.scaleToken;

/** PUT /workers through one of the two servers that take it. */
const putWorkers = (server: string, url: () => string): StateChange => ({
  server,
  url,
  method: "PUT",
  headers: bearer(scaleToken),
  body: (n) => JSON.stringify({ replicas: n }),
  read: desired,
  after: (n) => n,
});

const changes: StateChange[] = [
  putWorkers("API (serverless-offline, PUT /dev/workers)", () => `${cloud.apiUrl}/workers`),
  putWorkers("dashboard origin (PUT /workers)", () => `${cloud.dashboardUrl}/workers`),
  {
    server: "Lambda invoke API (the scale function)",
    url: () =>
      `http://127.0.0.1:${cloud.ports.lambda}/2015-03-31/functions/dockercoins-dev-scale/invocations`,
    method: "POST",
    headers: () => ({ "content-type": "application/json" }),
    body: (n) =>
      JSON.stringify({
        httpMethod: "PUT",
        path: "/workers",
        headers: { authorization: `Bearer ${scaleToken()}` },
        body: JSON.stringify({ replicas: n }),
        isBase64Encoded: false,
      }),
    read: desired,
    after: (n) => n,
  },
  {
    server: "Upstash bridge (SET)",
    url: () => cloud.bridgeUrl,
    method: "POST",
    headers: bearer(() => cloud.tokens.redisRestToken),
    body: (n) => JSON.stringify(["SET", "walls:probe", String(n)]),
    read: () => redis.get("walls:probe"),
    after: (n) => n,
  },
  {
    server: "SQS (fauxqs, SendMessage to the DLQ)",
    url: () => cloud.sqsEndpoint,
    method: "POST",
    headers: () => ({
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.SendMessage",
    }),
    body: (n) =>
      JSON.stringify({
        QueueUrl: `${cloud.sqsEndpoint}/000000000000/${DEAD_LETTER_QUEUE}`,
        MessageBody: `walls probe ${n}`,
      }),
    read: dlqDepth,
    after: () => "one more message", // compared below as a count
  },
];

function expectRefused(answer: RawAnswer, setting: string) {
  expect(answer.status, answer.body).toBe(403);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(String(answer.json?.error)).toContain(setting);
  // Never reflects a foreign origin (nor any other: nothing for the page to read).
  expect(corsHeadersOf(answer)).toEqual([]);
}

describe("the local cloud's wall, server by server", () => {
  // Values that differ from the one before (2, 3, 4, 2, …): few replicas, every call visible.
  let calls = 0;
  const next = () => 2 + (calls++ % 3);
  it.each(changes)(
    "$server: refuses a foreign Origin and a foreign Host, changes nothing; works without them",
    async (change) => {
      const send = (extra: Record<string, string>, value: number) =>
        rawRequest(change.url(), {
          method: change.method,
          headers: { ...change.headers(), ...extra },
          body: change.body(value),
        });
      const isCount = change.server.startsWith("SQS");
      let n = next();
      const before = await change.read();
      // A foreign page's state-changing call, with the right token (the page guessed it).
      expectRefused(await send({ origin: FOREIGN_ORIGIN }, n), "LOCAL_ALLOWED_ORIGINS");
      // The same as a simple request: text/plain needs no preflight.
      expectRefused(
        await send({ origin: FOREIGN_ORIGIN, "content-type": "text/plain" }, n),
        "LOCAL_ALLOWED_ORIGINS",
      );
      // A rebinding page: same-origin with the server, so no CORS applies; its Host gives it away.
      const port = new URL(change.url()).port;
      expectRefused(await send({ host: `evil.example:${port}` }, n), "LOCAL_ALLOWED_HOSTS");
      expectRefused(
        await send({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, n),
        "LOCAL_ALLOWED_HOSTS",
      );
      expect(await change.read()).toEqual(before);

      // Without Origin (curl, SDKs, the functions), and from the dashboard's own origins, it works.
      for (const origin of [
        undefined,
        cloud.dashboardUrl,
        cloud.dashboardUrl.replace("127.0.0.1", "localhost"),
      ]) {
        n = next();
        const answer = await send(origin ? { origin } : {}, n);
        expect(answer.status, answer.body).toBe(200);
        if (isCount) continue;
        expect(String(await change.read())).toBe(String(change.after(n)));
      }
      if (isCount) expect(await change.read()).toBe(Number(before) + 3);
    },
  );

  it.each([
    ["API", () => `${cloud.apiUrl}/workers`, "PUT"],
    [
      "Lambda invoke API",
      () =>
        `http://127.0.0.1:${cloud.ports.lambda}/2015-03-31/functions/dockercoins-dev-scale/invocations`,
      "POST",
    ],
    ["dashboard origin", () => `${cloud.dashboardUrl}/workers`, "PUT"],
    ["bridge", () => `${cloud.bridgeUrl}/pipeline`, "POST"],
    ["SQS", () => `${cloud.sqsEndpoint}/`, "POST"],
  ])("%s: a foreign preflight gets 403 and no CORS header", async (_name, url, method) => {
    const answer = await rawRequest(url(), {
      method: "OPTIONS",
      headers: {
        origin: FOREIGN_ORIGIN,
        "access-control-request-method": method as string,
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expectRefused(answer, "LOCAL_ALLOWED_ORIGINS");
  });

  it("the dashboard answers on 127.0.0.1 and localhost, and a rebinding name gets 403", async () => {
    const port = cloud.ports.dashboard;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const page = await rawRequest(`${cloud.dashboardUrl}/index.html`, { headers: { host } });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain("<html");
    }
    const rebinding = await rawRequest(`${cloud.dashboardUrl}/index.html`, {
      headers: { host: `evil.example:${port}` },
    });
    expectRefused(rebinding, "LOCAL_ALLOWED_HOSTS");
    // The page's config.json hands it the scale token, same-origin only: no CORS header.
    const config = await rawRequest(`${cloud.dashboardUrl}/config.json`, {
      headers: { origin: `http://localhost:${port}` },
    });
    expect(config.json).toEqual({ apiBase: "", scaleToken: cloud.tokens.scaleToken });
    expect(corsHeadersOf(config)).toEqual([]);
  });

  it("the bridge is server-to-server: no CORS header, even for a loopback origin", async () => {
    const answer = await rawRequest(`${cloud.bridgeUrl}/`, {
      method: "POST",
      headers: {
        origin: cloud.dashboardUrl,
        authorization: `Bearer ${cloud.tokens.redisRestToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(["GET", "hashes"]),
    });
    expect(answer.status).toBe(200);
    expect(corsHeadersOf(answer)).toEqual([]);
  });

  it.each([
    ["bridge", () => `${cloud.bridgeUrl}/pipeline`, 1_048_576],
    ["SQS", () => `${cloud.sqsEndpoint}/`, 11 * 1_048_576],
    ["API", () => `${cloud.apiUrl}/hasher`, 10_485_760],
    [
      "Lambda invoke API",
      () =>
        `http://127.0.0.1:${cloud.ports.lambda}/2015-03-31/functions/dockercoins-dev-hasher/invocations`,
      6_291_456,
    ],
  ])("%s: a 20 MB body gets 413 with a JSON message", async (_name, url, limit) => {
    const send = () =>
      rawRequest(url(), {
        method: "POST",
        headers: {
          authorization: `Bearer ${cloud.tokens.redisRestToken}`,
          "content-type": "application/json",
        },
        body: Buffer.alloc(20 * 1024 * 1024, 0x20),
      });
    // fauxqs (Fastify) closes the connection after its 413: Node's client may then fail its
    // write (EPIPE) before it reads the answer, as one try in ten did here. A client race,
    // not the server's answer: tried again, up to three times.
    let answer = await send().catch(() => undefined);
    for (let retry = 0; answer === undefined && retry < 2; retry++) {
      answer = await send().catch(() => undefined);
    }
    expect(answer?.status, answer?.body.slice(0, 200)).toBe(413);
    expect(answer?.json).toBeDefined();
    expect(limit).toBeLessThan(20 * 1024 * 1024);
  });

  it("npm run scale finds the token by itself (nobody types it), and a wrong one is refused", async () => {
    const scale = (replicas: string, env: Record<string, string> = {}) =>
      spawnSync(
        process.execPath,
        [join(projectRoot, "common", "run-ts.cjs"), "scripts/scale.ts", replicas],
        {
          cwd: projectRoot,
          encoding: "utf8",
          env: {
            ...process.env,
            API_PORT: String(cloud.ports.api),
            LOCAL_CLOUD_STATE_DIR: cloud.stateDir,
            ...env,
          },
          timeout: 30_000,
        },
      );
    const ok = scale("2");
    expect(ok.status, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/desired workers \d+ → 2/);
    await eventually(async () => ((await desired()) === 2 ? true : undefined), 5_000, "2 wanted");
    const wrong = scale("3", { SCALE_TOKEN: "a-guess-of-some-length-0123" });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr + wrong.stdout).toContain("401");
    expect(await desired()).toBe(2);
  });
});

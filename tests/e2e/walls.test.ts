/**
 * The local cloud's wall in a real browser: a page from another host name (evil.example,
 * mapped to 127.0.0.1 by Chromium's --host-resolver-rules, as DNS would) tries every request a
 * page can send to every server, with the real tokens; none is let through and nothing
 * changes. The same name pointed at the dashboard's port (DNS rebinding) gets 403. The real
 * dashboard, on 127.0.0.1 and on localhost, still scales, with the token the local cloud hands
 * its own page.
 */
import type { Server } from "node:http";
import { Redis } from "@upstash/redis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../functions/shared/keys";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { serve } from "../support/net";
import { DEAD_LETTER_QUEUE, queueDepth } from "../support/sqs";
import { attackerPage, type Target } from "./support/attacker-page";
import { collectErrors, launchChromium, scaleTo } from "./support/browser";

const EVIL = "evil.example";
let cloud: LocalCloud;
let browser: Browser;
let redis: Redis;
let attacker: Server;
let attackerPort: number;
/** Requests Chromium saw answered by the local cloud's servers, and their statuses. */
const answered: { url: string; status: number }[] = [];

const desired = async () => Number(await redis.get(keys.desiredReplicas));
const dlqDepth = () => queueDepth(cloud, DEAD_LETTER_QUEUE);

/** Every server, reached as 127.0.0.1 and as localhost, with a call that changes something. */
function targets(): Target[] {
  const { scaleToken, redisRestToken } = cloud.tokens;
  const oldTokens = ["dockercoins-local-scale-token", "dockercoins-local-token"];
  const lambda = `http://127.0.0.1:${cloud.ports.lambda}/2015-03-31/functions`;
  const scaleEvent = (token: string) =>
    JSON.stringify({
      httpMethod: "PUT",
      path: "/workers",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ replicas: 7 }),
      isBase64Encoded: false,
    });
  const json = (token: string) => ({
    "content-type": "application/json",
    authorization: `Bearer ${token}`,
  });
  const list: Target[] = [];
  for (const token of [scaleToken, ...oldTokens]) {
    list.push(
      {
        name: `api PUT /workers (${token.slice(0, 6)}…)`,
        url: `${cloud.apiUrl}/workers`,
        method: "PUT",
        headers: json(token),
        body: JSON.stringify({ replicas: 7 }),
      },
      {
        name: `dashboard PUT /workers (${token.slice(0, 6)}…)`,
        url: `${cloud.dashboardUrl.replace("127.0.0.1", "localhost")}/workers`,
        method: "PUT",
        headers: json(token),
        body: JSON.stringify({ replicas: 7 }),
      },
      {
        name: `lambda invoke scale (${token.slice(0, 6)}…)`,
        url: `${lambda}/dockercoins-dev-scale/invocations`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: scaleEvent(token),
      },
    );
  }
  for (const token of [redisRestToken, ...oldTokens]) {
    list.push({
      name: `bridge SET (${token.slice(0, 6)}…)`,
      url: `${cloud.bridgeUrl}/`,
      method: "POST",
      headers: json(token),
      body: JSON.stringify(["SET", "walls:e2e", "pwned"]),
    });
  }
  list.push({
    name: "sqs SendMessage to the DLQ",
    url: `${cloud.sqsEndpoint}/`,
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.SendMessage",
    },
    body: JSON.stringify({
      QueueUrl: `${cloud.sqsEndpoint}/000000000000/${DEAD_LETTER_QUEUE}`,
      MessageBody: "from a foreign page",
    }),
  });
  return list;
}

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startLocalCloud({ WORKER_REPLICAS: "1" }),
    // As DNS would answer for a rebinding name, or for any page's name on this machine.
    launchChromium([`--host-resolver-rules=MAP ${EVIL} 127.0.0.1`]),
  ]);
  redis = new Redis({
    url: cloud.bridgeUrl,
    token: cloud.tokens.redisRestToken,
    enableTelemetry: false,
  });
  const page = attackerPage(targets());
  let url: string;
  [url, attacker] = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(page);
  });
  attackerPort = Number(new URL(url).port);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  attacker?.close();
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const ourPorts = () => new Set(Object.values(cloud.ports).map(String));

describe("a foreign page in Chromium", () => {
  let page: Page;

  it("sends fetch, no-cors, XHR and form requests to every server: all refused, nothing changed", async () => {
    const before = {
      desired: await desired(),
      probe: await redis.get("walls:e2e"),
      dlq: await dlqDepth(),
    };
    page = await browser.newPage();
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.hostname !== EVIL && ourPorts().has(url.port)) {
        answered.push({ url: response.url(), status: response.status() });
      }
    });
    await page.goto(`http://${EVIL}:${attackerPort}/`);
    await page.waitForFunction(
      () => (window as unknown as { done?: boolean }).done === true,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const results = (await page.evaluate(
      () => (window as unknown as { results: unknown }).results,
    )) as { target: string; how: string; outcome: string }[];
    expect(results).toHaveLength(targets().length * 4);
    // The page could read nothing: every CORS-mode attempt was blocked by the browser.
    for (const result of results.filter((r) => r.how === "fetch" || r.how === "xhr")) {
      expect(result.outcome, `${result.how} ${result.target}`).toMatch(/^blocked/);
    }
    // The requests that reached our servers (simple ones and forms need no preflight) got 403.
    expect(answered.length).toBeGreaterThan(0);
    for (const answer of answered) expect(answer.status, answer.url).toBe(403);
    // And nothing changed: the wanted replicas, Redis, the DLQ.
    expect(await desired()).toBe(before.desired);
    expect(await redis.get("walls:e2e")).toBe(before.probe);
    expect(await dlqDepth()).toBe(before.dlq);
  }, 60_000);

  it("a rebinding name on the dashboard's and the API's ports gets 403", async () => {
    const dashboard = await page.goto(`http://${EVIL}:${cloud.ports.dashboard}/`);
    expect(dashboard?.status()).toBe(403);
    expect(await page.textContent("body")).toContain("LOCAL_ALLOWED_HOSTS");
    const api = await page.goto(`http://${EVIL}:${cloud.ports.api}/dev/json`);
    expect(api?.status()).toBe(403);
    await page.close();
  });
});

describe("the real dashboard", () => {
  it.each(["127.0.0.1", "localhost"])(
    "on %s scales with the token the local cloud hands it",
    async (host) => {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await page.goto(`http://${host}:${cloud.ports.dashboard}/`);
      await page.waitForSelector('#connection[data-state="live"]', { timeout: 20_000 });
      // Filled in by the page from its config.json: nobody typed it.
      expect(await page.inputValue("#token")).toBe(cloud.tokens.scaleToken);
      const target = (await desired()) === 2 ? 3 : 2;
      await scaleTo(page, target);
      await eventually(
        async () => ((await desired()) === target ? true : undefined),
        10_000,
        `${target} wanted`,
      );
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});

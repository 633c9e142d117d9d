import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../common/ports";
import { LocalStackNotHealthyError, requireLocalStack } from "../../localstack/scripts/preflight";
import { contentTypeFor, emptyBucket, localS3, uploadSite } from "../../localstack/scripts/site";
import {
  ALL_BYTE_VALUES,
  checkHasher,
  checkHashesRise,
  checkRng,
  checkSite,
  readStats,
  SmokeCheckError,
} from "../../localstack/scripts/smoke-checks";
import { REQUIRED_SERVICES } from "../../localstack/scripts/stack";
import { startSqsEmulator } from "../../offline/sqs/emulator";
import { type LocalCloud, startLocalCloud } from "../support/launcher";
import { serve } from "../support/net";

// The parts of the LocalStack scripts, tested against what starts in seconds: the health
// check against a stand-in server, the site upload against S3 in fauxqs, and the smoke checks
// against the local cloud (the same API, served by serverless-offline). tests/localstack/ runs
// them on a real LocalStack.

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-localstack-checks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the LocalStack health check", () => {
  it("tells to start LocalStack when nothing answers", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const error = await requireLocalStack(endpoint).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LocalStackNotHealthyError);
    expect((error as Error).message).toMatch(
      /^LocalStack is not answering on http:\/\/127\.0\.0\.1:\d+\/_localstack\/health .*npm run localstack:up/,
    );
  });

  it("names the services that are not usable, and accepts a healthy LocalStack", async () => {
    const states: Record<string, string> = Object.fromEntries(
      REQUIRED_SERVICES.map((s) => [s, "available"]),
    );
    const [endpoint, server] = await serve((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ services: states, version: "4.14.0" }));
    });
    try {
      await expect(requireLocalStack(endpoint)).resolves.toBe("4.14.0");
      states.lambda = "error";
      delete states.sqs;
      await expect(requireLocalStack(endpoint)).rejects.toThrow(
        "LocalStack answers but is not healthy (lambda: error, sqs: missing)",
      );
    } finally {
      server.close();
    }
  });
});

describe("the site upload (S3 in fauxqs, path-style as on LocalStack)", () => {
  it("uploads every file with its content type, then config.json; empties the bucket", async () => {
    const emulator = await startSqsEmulator({ port: await freePort() });
    const s3 = localS3(emulator.endpoint);
    const site = join(scratch, "site");
    mkdirSync(join(site, "assets"), { recursive: true });
    writeFileSync(join(site, "index.html"), "<!doctype html><html></html>");
    writeFileSync(join(site, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(site, "config.json"), '{"apiBase":"stale"}');
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "site-test" }));
      const apiBase = "http://localhost:4566/_aws/execute-api/dockercoins/local";
      const uploaded = await uploadSite(s3, "site-test", site, { apiBase });
      expect(uploaded.files).toBe(3);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: "site-test" }));
      expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
        "assets/app.js",
        "config.json",
        "index.html",
      ]);
      const index = await s3.send(new GetObjectCommand({ Bucket: "site-test", Key: "index.html" }));
      expect(index.ContentType).toBe("text/html; charset=utf-8");
      const config = await s3.send(
        new GetObjectCommand({ Bucket: "site-test", Key: "config.json" }),
      );
      expect(JSON.parse(await (config.Body?.transformToString() ?? ""))).toEqual({ apiBase });

      expect(await emptyBucket(s3, "site-test")).toBe(3);
      expect(await emptyBucket(s3, "site-test")).toBe(0);
      expect(await emptyBucket(s3, "never-deployed")).toBe(0);
    } finally {
      s3.destroy();
      await emulator.stop();
    }
  });

  it("knows the content types a browser needs", () => {
    expect(contentTypeFor("a/b/app.JS")).toBe("text/javascript; charset=utf-8");
    expect(contentTypeFor("style.css")).toBe("text/css; charset=utf-8");
    expect(contentTypeFor("blob")).toBe("application/octet-stream");
  });
});

describe("the smoke checks, against the local cloud", () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it("rng answers 32 bytes and hasher's digest of all 256 byte values matches", async () => {
    await expect(checkRng(cloud.apiUrl, 10_000)).resolves.toBe(32);
    await expect(checkHasher(cloud.apiUrl, 10_000)).resolves.toBe(
      createHash("sha256").update(ALL_BYTE_VALUES).digest("hex"),
    );
  });

  it("reads /json with the original's contract", async () => {
    const stats = await readStats(cloud.apiUrl, 5_000);
    expect(stats).toMatchObject({
      coins: expect.any(Number),
      hashes: expect.any(Number),
      now: expect.any(Number),
    });
    expect(Math.abs(stats.now - Date.now() / 1000)).toBeLessThan(5);
  });

  it("sees the hash counter rise", async () => {
    const rise = await checkHashesRise(cloud.apiUrl, {
      timeoutMs: 30_000,
      pollMs: 500,
      requestTimeoutMs: 5_000,
    });
    expect(rise.to).toBeGreaterThan(rise.from);
  });

  it("sees the site answer its page", async () => {
    // The dashboard server redirects / to the page; an S3 website serves its index document.
    await expect(
      checkSite(`${cloud.dashboardUrl}/index.html`, { timeoutMs: 5_000 }),
    ).resolves.toMatchObject({ status: 200 });
  });
});

describe("the smoke checks' failures", () => {
  it("explains base64 text from rng (the binary media type not applied)", async () => {
    const [base, server] = await serve((_req, res) => res.end("A".repeat(44)));
    try {
      await expect(checkRng(base, 5_000)).rejects.toThrow(
        new SmokeCheckError(
          "rng: asked for 32 bytes, got 44 (base64 text: the binary media type was not applied)",
        ),
      );
    } finally {
      server.close();
    }
  });

  it("refuses a /json whose counters are strings, unlike the original's", async () => {
    const [base, server] = await serve((_req, res) => res.end('{"coins":"3","hashes":7,"now":1}'));
    try {
      await expect(readStats(base, 5_000)).rejects.toThrow(
        "/json: coins not numbers, as the original's {coins, hashes, now}",
      );
    } finally {
      server.close();
    }
  });

  it("retries a throttled rng (429, 5xx), not a missing one", async () => {
    let calls = 0;
    const [base, server] = await serve((req, res) => {
      calls += 1;
      if (req.url !== "/rng/32") return res.writeHead(404).end("no such route");
      if (calls === 1) return res.writeHead(429).end("Rate Exceeded.");
      res.end(Buffer.alloc(32));
    });
    try {
      await expect(checkRng(base, 5_000)).resolves.toBe(32);
      expect(calls).toBe(2);
      await expect(checkRng(`${base}/elsewhere`, 5_000)).rejects.toThrow("HTTP 404 no such route");
      expect(calls).toBe(3);
    } finally {
      server.close();
    }
  });

  it("sends the Host header it is given and checks the site's config.json", async () => {
    const hosts: string[] = [];
    const [base, server] = await serve((req, res) => {
      hosts.push(req.headers.host ?? "");
      if (req.url === "/config.json") return res.end('{"apiBase":"http://elsewhere"}');
      res.setHeader("content-type", "text/html");
      res.end("<html></html>");
    });
    try {
      await expect(
        checkSite(`${base}/`, {
          hostHeader: "dockercoins-site.s3-website.localhost.localstack.cloud:4566",
          expectApiBase: "http://expected",
          timeoutMs: 5_000,
        }),
      ).rejects.toThrow("config.json answered 200 with apiBase http://elsewhere");
      expect(hosts).toEqual([
        "dockercoins-site.s3-website.localhost.localstack.cloud:4566",
        "dockercoins-site.s3-website.localhost.localstack.cloud:4566",
      ]);
    } finally {
      server.close();
    }
  });
});

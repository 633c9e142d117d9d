import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStackNotHealthyError, requireLocalStack } from "../../localstack/scripts/preflight";
import { contentTypeFor, emptyBucket, localS3, uploadSite } from "../../localstack/scripts/site";
import {
  checkHasher,
  checkHashesRise,
  checkRng,
  checkSite,
  SmokeCheckError,
} from "../../localstack/scripts/smoke-checks";
import { REQUIRED_SERVICES } from "../../localstack/scripts/stack";
import { type LocalCloud, startLocalCloud } from "../../offline/launcher";
import { freePort } from "../../offline/ports";
import { projectRoot } from "../../offline/project";
import { startSqsEmulator } from "../../offline/sqs/emulator";
import { childEnvironment } from "../../scripts/environment";

// The LocalStack scripts cannot reach LocalStack here (no Docker engine). What they do
// without one is tested for real, with a stand-in `docker` on PATH so that the outcome is the
// same on a machine that has an engine; their parts are tested against what this machine can
// run: S3 in fauxqs, and the smoke checks against the local cloud (the same API, served by
// serverless-offline).

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-localstack-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding a `docker` that behaves as given, put first on PATH. */
function fakeDocker(name: string, script: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "docker"), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, "docker"), 0o755);
  return dir;
}
const noDaemon = fakeDocker(
  "no-daemon",
  'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
);
const searchPath = childEnvironment().PATH ?? "";
// exec: killing the stand-in must close its output, as a real hung CLI's would.
const hung = fakeDocker("hung", "exec sleep 30");

function run(
  file: string,
  args: string[],
  path: string,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: projectRoot, env: childEnvironment({ PATH: path }), timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe("the npm scripts without a Docker engine", () => {
  it("deploy:local exits non-zero within 10 s with a message naming Docker", async () => {
    const result = await run("npm", ["run", "deploy:local"], `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stdout).toContain("[localstack] checking for Docker and a healthy LocalStack");
    expect(result.stderr).toContain(
      "[localstack] ✖ Docker is not available (Cannot connect to the Docker daemon",
    );
  });

  it.each(["up", "down", "smoke", "remove"])("%s fails the same way", async (command) => {
    const result = await run(
      process.execPath,
      ["localstack/run.js", command],
      `${noDaemon}:${searchPath}`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✖ Docker is not available .*needs a Docker engine/);
  });

  it("says so when there is no docker CLI at all", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const result = await run(process.execPath, ["localstack/run.js", "deploy"], empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Docker is not available (the docker CLI is not on PATH)");
  });

  it("gives up on a docker CLI that does not answer, still within 10 s", async () => {
    const result = await run(
      process.execPath,
      ["localstack/run.js", "deploy"],
      `${hung}:${searchPath}`,
    );
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toContain("Docker is not available (docker did not answer in 5 s)");
  });

  it("refuses an unknown command with its usage", async () => {
    const result = await run(process.execPath, ["localstack/run.js", "deploi"], "");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: node localstack/run.js <up|down|deploy|smoke|remove>");
  });
});

/** Serves `handler` on a free loopback port; returns its base URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<[string, Server]> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server];
}

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

  it("rng answers 32 bytes and hasher's digest matches", async () => {
    await expect(checkRng(cloud.apiUrl, 10_000)).resolves.toBe(32);
    await expect(checkHasher(cloud.apiUrl, 10_000)).resolves.toMatch(/^[0-9a-f]{64}$/);
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

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
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
  ALL_BYTE_VALUES,
  checkHasher,
  checkHashesRise,
  checkRng,
  checkSite,
  readStats,
  SmokeCheckError,
} from "../../localstack/scripts/smoke-checks";
import { REQUIRED_SERVICES } from "../../localstack/scripts/stack";
import { type LocalCloud, startLocalCloud } from "../../offline/launcher";
import { freePort } from "../../offline/ports";
import { projectRoot } from "../../offline/project";
import { startSqsEmulator } from "../../offline/sqs/emulator";
import { childEnvironment } from "../../scripts/environment";

// What the LocalStack scripts do before LocalStack is involved, tested for real: without a
// Docker engine (a stand-in `docker` on PATH, so that the outcome is the same on a machine
// that has one) and without a host-mode LocalStack (a state folder of the test's own), with
// Pythons too old or missing. Their parts are tested against what starts in seconds: S3 in
// fauxqs, and the smoke checks against the local cloud (the same API, served by
// serverless-offline). tests/localstack/ runs the whole path on a real LocalStack.

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-localstack-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding executables that behave as given, to put first on PATH. */
function fakeCommands(name: string, commands: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [command, script] of Object.entries(commands)) {
    writeFileSync(join(dir, command), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, command), 0o755);
  }
  return dir;
}
const noDaemon = fakeCommands("no-daemon", {
  docker:
    'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
});
const searchPath = childEnvironment().PATH ?? "";
// exec: killing the stand-in must close its output, as a real hung CLI's would.
const hung = fakeCommands("hung", { docker: "exec sleep 30" });
const oldPython = fakeCommands("old-python", {
  python3: `echo '{"executable": "/usr/bin/python3.9", "version": "3.9.2", "info": [3, 9, 2], "implementation": "CPython"}'`,
});
const emptyHome = join(scratch, "home");
mkdirSync(emptyHome);
/** No host-mode LocalStack ever ran here. */
const noState = join(scratch, "state");

function run(
  file: string,
  args: string[],
  path: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: projectRoot,
        env: childEnvironment({ PATH: path, LOCALSTACK_STATE_DIR: noState, ...env }),
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}
const script = (command: string, path: string, env: Record<string, string> = {}) =>
  run(process.execPath, ["localstack/run.js", command], path, env);

describe("the npm scripts with LocalStack down, without a Docker engine", () => {
  it("deploy:local exits 1 within 10 s, naming what is missing and what to run", async () => {
    const result = await run("npm", ["run", "deploy:local"], `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stdout).toContain("[localstack] checking for a healthy LocalStack");
    expect(result.stderr).toContain(
      "[localstack] ✖ LocalStack is not running: this clone started no host-mode LocalStack and " +
        "Cannot connect to the Docker daemon",
    );
    expect(result.stderr).toContain("Start one with `npm run localstack:up`");
  });

  it.each(["smoke", "remove"])("%s fails the same way", async (command) => {
    const result = await script(command, `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toMatch(/✖ LocalStack is not running: .*npm run localstack:up/);
  });

  it("says so when there is no docker CLI at all", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const result = await script("deploy", empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "and the docker CLI is not on PATH (so no LocalStack in Docker either)",
    );
  });

  it("gives up on a docker CLI that does not answer, still within 10 s", async () => {
    const result = await script("deploy", `${hung}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toContain("docker did not answer in 5 s");
  });

  it("keeps Docker's message when LOCALSTACK_MODE=docker asks for Docker", async () => {
    for (const command of ["up", "deploy", "down"]) {
      const result = await script(command, `${noDaemon}:${searchPath}`, {
        LOCALSTACK_MODE: "docker",
      });
      expect(result.code, command).toBe(1);
      expect(result.stderr).toMatch(/✖ Docker is not available .*needs a Docker engine/);
    }
  });

  it("host mode without a LocalStack says to start one", async () => {
    const result = await script("smoke", noDaemon, { LOCALSTACK_MODE: "host" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("✖ no host-mode LocalStack runs for this clone");
  });

  it("down has nothing to stop, and says so", async () => {
    const result = await script("down", `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("nothing to stop: no host-mode LocalStack runs for this clone");
  });

  it("refuses an unknown command with its usage, and a bad LOCALSTACK_MODE", async () => {
    const result = await script("deploi", "");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: node localstack/run.js <up|down|deploy|smoke|remove>");
    const mode = await script("up", noDaemon, { LOCALSTACK_MODE: "kubernetes" });
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain(
      'LOCALSTACK_MODE must be one of auto, docker, host, got "kubernetes"',
    );
  });
});

describe("localstack:up without a Docker engine: host mode, and its Python", () => {
  const endpoint = async () => ({ LOCALSTACK_ENDPOINT: `http://127.0.0.1:${await freePort()}` });

  it("chooses host mode, says why, and names the Python version it needs", async () => {
    const result = await script("up", `${noDaemon}:${oldPython}`, {
      ...(await endpoint()),
      HOME: emptyHome,
    });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stdout).toContain(
      "[localstack] host mode (no Docker engine: Cannot connect to the Docker daemon",
    );
    expect(result.stderr).toContain(
      "✖ LocalStack 4.13.1 (host mode) needs Python 3.11 or newer (3.13 preferred); found only python3: 3.9.2.",
    );
    expect(result.stderr).toContain("`pyenv install 3.13`");
  });

  it("says so when there is no Python at all", async () => {
    const result = await script("up", noDaemon, { ...(await endpoint()), HOME: emptyHome });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "needs Python 3.11 or newer (3.13 preferred); found none on PATH.",
    );
  });

  it("names LOCALSTACK_PYTHON when that one does not run", async () => {
    const result = await script("up", noDaemon, {
      ...(await endpoint()),
      LOCALSTACK_PYTHON: join(scratch, "no-such-python"),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`found only ${join(scratch, "no-such-python")}: not found`);
  });

  it("refuses a port that something else holds, naming it", async () => {
    const [base, server] = await serve((_req, res) => res.end("busy"));
    try {
      const result = await script("up", noDaemon, { LOCALSTACK_ENDPOINT: base, HOME: emptyHome });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/✖ port \d+ \(LocalStack\) is already in use by pid \d+/);
    } finally {
      server.close();
    }
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

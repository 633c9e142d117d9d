import { describe, expect, it } from "vitest";
import { lookUpBrowser } from "../../common/browser/browser-lookup";
import { detectPlatform } from "../../common/platform";
import { fakeFileSystem } from "../../tests/fixtures/fake-file-system";
import {
  browserCheck,
  browserVersion,
  dockerCheck,
  npmCheck,
  npmFromEnvironment,
  pythonCheck,
  redisChecks,
  redisVersion,
  safeRedisUrl,
} from "./tools";

const debian = detectPlatform("linux", "ID=debian\n");
const fedora = detectPlatform("linux", "ID=fedora\n");
const mac = detectPlatform("darwin", undefined);
const redis = { path: "/usr/bin/redis-server", version: "7.0.15" };

describe("npm", () => {
  it("reads npm from what `npm run` tells its script", () => {
    expect(
      npmFromEnvironment({
        npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
        npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js",
      }),
    ).toEqual({ path: "/usr/lib/node_modules/npm/bin/npm-cli.js", version: "11.19.1" });
    expect(npmFromEnvironment({ npm_config_user_agent: "yarn/1.22.0 npm/? node/v20" })).toBe(
      undefined,
    );
  });

  it("passes a found npm and fails a missing one, pointing at Node", () => {
    expect(npmCheck({ path: "/usr/bin/npm", version: "11.19.1" }, debian)).toMatchObject({
      status: "ok",
      summary: "11.19.1 at /usr/bin/npm",
    });
    expect(npmCheck(undefined, mac)).toMatchObject({
      status: "fail",
      fix: "npm comes with Node.js: `brew install node@24`",
    });
  });
});

describe("redis", () => {
  it("reads redis-server's version", () => {
    expect(redisVersion("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64")).toBe(
      "7.0.15",
    );
    expect(redisVersion(undefined)).toBeUndefined();
  });

  it("passes redis-server on PATH", () => {
    expect(
      redisChecks({ server: redis, redisUrl: undefined, urlAnswer: undefined, platform: debian }),
    ).toEqual([
      {
        id: "redis-server",
        title: "redis-server",
        optional: false,
        status: "ok",
        summary: "7.0.15 at /usr/bin/redis-server",
        ...redis,
      },
    ]);
  });

  it("fails a missing redis-server with this system's install command and REDIS_URL", () => {
    const [check] = redisChecks({
      server: undefined,
      redisUrl: undefined,
      urlAnswer: undefined,
      platform: debian,
    });
    expect(check?.status).toBe("fail");
    expect(check?.fix).toContain("`sudo apt-get install redis-server`");
    expect(check?.fix).toContain("REDIS_URL");
    const [onFedora] = redisChecks({
      server: undefined,
      redisUrl: undefined,
      urlAnswer: undefined,
      platform: fedora,
    });
    expect(onFedora?.fix).toContain("`sudo dnf install redis`");
  });

  it("still fails without redis-server when REDIS_URL answers: the tests start their own", () => {
    const checks = redisChecks({
      server: undefined,
      redisUrl: "redis://:secret@10.0.0.5:6379",
      urlAnswer: "ok",
      platform: debian,
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["redis-server", "fail"],
      ["redis-url", "ok"],
    ]);
    expect(checks[0]?.summary).toContain("`npm test` starts its own redis-servers");
    expect(checks[1]?.summary).toBe(
      "redis://:***@10.0.0.5:6379 answers PING (`npm start` uses it)",
    );
  });

  it("fails a REDIS_URL that does not answer, never printing its password", () => {
    const [, url] = redisChecks({
      server: redis,
      redisUrl: "redis://user:secret@127.0.0.1:1",
      urlAnswer: "Redis was not ready within 2000 ms (connect ECONNREFUSED 127.0.0.1:1)",
      platform: debian,
    });
    expect(url?.status).toBe("fail");
    expect(url?.summary).not.toContain("secret");
    expect(url?.summary).toContain("does not answer (Redis was not ready within 2000 ms");
    expect(url?.fix).toContain("unset it");
    expect(safeRedisUrl("not a url")).toBe("(not a URL)");
  });
});

describe("browser", () => {
  it("reads a browser's name and version", () => {
    expect(browserVersion("Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)")).toBe(
      "Chromium 156.0.8078.114",
    );
    expect(browserVersion("Google Chrome 143.0.7499.40 ")).toBe("Google Chrome 143.0.7499.40");
    expect(browserVersion("")).toBeUndefined();
  });

  const lookup = (executables: string[], chromiumPath?: string) =>
    lookUpBrowser({
      chromiumPath,
      env: { PATH: "/usr/bin" },
      platform: "linux",
      home: "/home/learner",
      fs: fakeFileSystem(executables),
    });

  it("passes a found browser, saying where it came from", () => {
    const check = browserCheck(lookup(["/snap/bin/chromium"]), "Chromium 143.0.1.2", debian);
    expect(check.status).toBe("ok");
    expect(check.summary).toBe(
      "Chromium 143.0.1.2 at /snap/bin/chromium (the snap; for `npm test` and smoke:local)",
    );
  });

  it("fails CHROMIUM_PATH pointing nowhere: fix it or unset it", () => {
    const check = browserCheck(lookup(["/usr/bin/chromium"], "/nowhere/chrome"), undefined, debian);
    expect(check.status).toBe("fail");
    expect(check.summary).toBe("CHROMIUM_PATH=/nowhere/chrome does not exist");
    expect(check.fix).toContain(
      "point CHROMIUM_PATH at a Chromium or Chrome executable, or unset it",
    );
    expect(check.fix).toContain("`sudo apt-get install chromium`");
  });

  it("fails when none is found, naming the places and this system's install command", () => {
    const check = browserCheck(lookup([]), undefined, mac);
    expect(check.summary).toContain("no Chromium or Chrome found (looked at chromium, ");
    expect(check.fix).toBe(
      "install one: `brew install --cask google-chrome`, or set CHROMIUM_PATH to a Chromium or Chrome executable",
    );
  });
});

describe("optional: Python and Docker", () => {
  const python = { path: "/usr/bin/python3", version: "3.11.2" };

  it("passes a Python with venv, and it is optional", () => {
    expect(pythonCheck({ python, venv: "ok", platform: debian })).toMatchObject({
      status: "ok",
      optional: true,
      summary: "3.11.2 at /usr/bin/python3, with venv (for LocalStack's host mode)",
    });
  });

  it("fails a Python without venv with the package that adds it", () => {
    const check = pythonCheck({
      python,
      venv: "ModuleNotFoundError: No module named 'ensurepip'",
      platform: debian,
    });
    expect(check).toMatchObject({ status: "fail", optional: true });
    expect(check.summary).toContain("No module named 'ensurepip'");
    expect(check.fix).toBe(
      "`sudo apt-get install python3 python3-venv`, or set LOCALSTACK_PYTHON to one",
    );
  });

  it("fails no Python with the finder's reason", () => {
    const check = pythonCheck({
      python: {
        error:
          "LocalStack 4.13.1 (host mode) needs Python 3.11 or newer; found only python3: 3.9.2.",
      },
      venv: undefined,
      platform: mac,
    });
    expect(check.summary).toContain("found only python3: 3.9.2");
    expect(check.fix).toContain("`brew install python@3.13`");
  });

  it("passes an answering Docker engine, and says host mode is used without one", () => {
    expect(
      dockerCheck({ cli: "/usr/bin/docker", engine: { version: "27.3.1" }, platform: debian }),
    ).toMatchObject({
      status: "ok",
      summary: "27.3.1 answers (CLI /usr/bin/docker) (for LocalStack in Docker)",
    });
    const check = dockerCheck({
      cli: undefined,
      engine: { reason: "the docker CLI is not on PATH" },
      platform: mac,
    });
    expect(check).toMatchObject({ status: "fail", optional: true });
    expect(check.summary).toContain("runs LocalStack natively instead");
    expect(check.fix).toContain("Docker Desktop");
    expect(check.fix).toContain("DOCKER_HOST");
  });
});

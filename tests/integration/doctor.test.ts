import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath } from "../../common/browser/browser-lookup";
import { childEnvironment } from "../../common/command-environment";
import { hostFileSystem, hostPlatform } from "../../common/host-system";
import { installCommand } from "../../common/platform";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { localCloudRedisDir } from "../../common/redis/port-holder";
import { startRedisServer } from "../../common/redis/server";
import type { JsonReport } from "../../scripts/doctor/report";

// `npm run doctor` for real on this machine: everything the README's commands need is here
// (redis-server, Chromium, free ports), then the same with redis-server off PATH, CHROMIUM_PATH
// pointing nowhere and a port held. The local cloud's ports are set to ports picked free now,
// so another local cloud on this machine (3000, 8000, …) changes nothing.

const PORT_SETTINGS = [
  "API_PORT",
  "LAMBDA_PORT",
  "DASHBOARD_PORT",
  "REDIS_PORT",
  "BRIDGE_PORT",
  "SQS_PORT",
] as const;
const scratch = mkdtempSync(join(tmpdir(), "dockercoins-doctor-"));
const ports: Record<string, string> = {};
const npm = findOnPath("npm", process.env, hostFileSystem);

beforeAll(async () => {
  for (const setting of PORT_SETTINGS) ports[setting] = String(await freePort());
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function doctor(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const environment = childEnvironment();
  // A Redis or browser of the caller's choosing would change the answers.
  delete environment.REDIS_URL;
  delete environment.CHROMIUM_PATH;
  for (const [name, value] of Object.entries({ ...ports, ...env })) {
    if (value === undefined) delete environment[name];
    else environment[name] = value;
  }
  return new Promise((resolve) => {
    execFile(
      npm ?? "npm",
      ["run", "--silent", "doctor", "--", ...args],
      { cwd: projectRoot, env: environment, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number) : 0;
        resolve({ code: typeof code === "number" ? code : -1, stdout, stderr });
      },
    );
  });
}

const line = (stdout: string, title: string) =>
  stdout.split("\n").find((l) => l.slice(2).startsWith(title)) ?? `(no ${title} line)`;

describe("npm run doctor", () => {
  it("finds everything here: ✓ per prerequisite and port, exit 0", async () => {
    const { code, stdout, stderr } = await doctor([], {});
    expect(stderr).toBe("");
    expect(code, stdout).toBe(0);
    // Node may warn (end of life) but passes.
    expect(line(stdout, "Node.js")).toMatch(/^[✓⚠] Node\.js +v\d+/);
    expect(line(stdout, "npm")).toMatch(/^✓ npm +\d+\.\d+\.\d+ at \//);
    expect(line(stdout, "redis-server")).toMatch(
      /^✓ redis-server +\d+\.\d+\.\d+ at \/.*redis-server$/,
    );
    expect(line(stdout, "Chromium/Chrome")).toMatch(/^✓ Chromium\/Chrome +\S.* at \//);
    for (const setting of PORT_SETTINGS) {
      expect(line(stdout, `port ${ports[setting]} `)).toMatch(
        new RegExp(`^✓ .*free \\(${setting}\\)$`),
      );
    }
    expect(stdout.trim().split("\n").at(-1)).toBe(
      "doctor: ready: `npm start` and `npm test` can run",
    );
  });

  it("without redis-server, with CHROMIUM_PATH pointing nowhere and a port held: ✗ with the fix, exit 1", async () => {
    // PATH holds node, npm and sh (npm runs scripts with it) only: no folder with
    // redis-server in it is left.
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    for (const command of ["npm", "sh"]) {
      const found = findOnPath(command, process.env, hostFileSystem);
      if (found) symlinkSync(found, join(bin, command));
    }
    const held: Server = createServer();
    await new Promise<void>((resolve) => held.listen(Number(ports.API_PORT), "127.0.0.1", resolve));
    try {
      const nowhere = join(scratch, "no-such-browser", "chrome");
      const { code, stdout } = await doctor([], { PATH: bin, CHROMIUM_PATH: nowhere });
      expect(code, stdout).toBe(1);
      const platform = hostPlatform();
      const redis = line(stdout, "redis-server");
      expect(redis).toMatch(/^✗ redis-server +not found on PATH/);
      expect(redis).toContain(`install it: ${installCommand("redis", platform)}`);
      expect(redis).toContain("REDIS_URL");
      const browser = line(stdout, "Chromium/Chrome");
      expect(browser).toContain(`✗ Chromium/Chrome`);
      expect(browser).toContain(`CHROMIUM_PATH=${nowhere} does not exist`);
      expect(browser).toContain(
        "point CHROMIUM_PATH at a Chromium or Chrome executable, or unset it",
      );
      expect(browser).toContain(installCommand("browser", platform));
      const api = line(stdout, `port ${ports.API_PORT} (API)`);
      expect(api).toMatch(/^✗ /);
      if (process.platform === "linux") expect(api).toContain(`in use by pid ${process.pid} `);
      expect(api).toContain("set API_PORT to a free port");
      expect(stdout).toContain("doctor: not ready: 3 required checks failed");
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it("tells a Redis an earlier local cloud left on the Redis port from anyone else's", async () => {
    const port = Number(ports.REDIS_PORT);
    // Started where the local cloud starts its own: `npm start` would shut it down.
    const leftover = await startRedisServer({ port, ownerDir: localCloudRedisDir(projectRoot) });
    try {
      const { code, stdout } = await doctor([], {});
      expect(code, stdout).toBe(0);
      expect(line(stdout, `port ${port} (redis-server)`)).toMatch(
        /^✓ .*held by a redis-server \(pid \d+\) an earlier local cloud of this checkout left/,
      );
    } finally {
      await leftover.stop();
    }
    const stranger = await startRedisServer({ port }); // runs in the temporary folder
    try {
      const { code, stdout } = await doctor([], {});
      expect(code, stdout).toBe(1);
      const redisLine = line(stdout, `port ${port} (redis-server)`);
      expect(redisLine).toMatch(/^✗ /);
      if (process.platform === "linux")
        expect(redisLine).toMatch(/in use by pid \d+ \(.*redis-server/);
      expect(redisLine).toContain("set REDIS_PORT to a free port");
    } finally {
      await stranger.stop();
    }
  });

  it("checks the Redis of REDIS_URL instead of the Redis port, and a port setting that is no port", async () => {
    const redis = await startRedisServer({ port: 0 });
    try {
      const { code, stdout } = await doctor([], { REDIS_URL: redis.url });
      expect(code, stdout).toBe(0);
      expect(line(stdout, "REDIS_URL")).toMatch(
        /^✓ REDIS_URL +redis:\/\/127\.0\.0\.1:\d+ answers PING/,
      );
      expect(stdout).not.toContain("(redis-server)"); // `npm start` starts none: no port needed
    } finally {
      await redis.stop();
    }
    const closed = await freePort();
    const unreachable = await doctor([], { REDIS_URL: `redis://:secret@127.0.0.1:${closed}` });
    expect(unreachable.code, unreachable.stdout).toBe(1);
    const url = line(unreachable.stdout, "REDIS_URL");
    expect(url).toMatch(/^✗ REDIS_URL +redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ does not answer/);
    expect(unreachable.stdout).not.toContain("secret");
    const badPort = await doctor([], { DASHBOARD_PORT: "eighty" });
    expect(badPort.code, badPort.stdout).toBe(1);
    expect(line(badPort.stdout, "ports")).toMatch(/^✗ ports +DASHBOARD_PORT must be a TCP port/);
  });

  it("answers scripts in JSON", async () => {
    const { code, stdout } = await doctor(["--json"], {});
    expect(code, stdout).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.ok).toBe(true);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    for (const id of ["node", "npm", "redis-server", "browser", "python", "docker"]) {
      expect(byId.has(id), id).toBe(true);
    }
    expect(byId.get("redis-server")).toMatchObject({ status: "ok", optional: false });
    expect(byId.get("browser")?.path).toMatch(/^\//);
    expect(byId.get("docker")?.optional).toBe(true);
    for (const setting of PORT_SETTINGS) {
      expect(byId.get(`port:${setting}`)).toMatchObject({
        status: "ok",
        title: expect.stringContaining(`port ${ports[setting]} `),
      });
    }
  });

  it("refuses an unknown option with its usage", async () => {
    const { code, stderr } = await doctor(["--jsn"], {});
    expect(code).toBe(2);
    expect(stderr).toContain("usage: npm run doctor [-- --json]");
  });
});

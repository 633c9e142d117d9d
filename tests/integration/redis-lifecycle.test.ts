/**
 * The local cloud's redis-server never outlives the process that started it, and a Redis
 * found on its port is never adopted: one an earlier local cloud left behind is shut down and
 * the port taken back; anything else is an error that names what holds the port. Real
 * redis-server processes throughout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import IORedis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { redisOnPort } from "../../common/redis/port-holder";
import { RedisPortTakenError, startRedisServer } from "../../common/redis/server";
import { portIsClosed } from "../support/net";

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-redis-lifecycle-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

/** Polls until `check` holds, for up to `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** A redis-server started by hand, as a leftover or somebody else's would be. */
function bareRedis(port: number, dir: string): ChildProcess {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
    { stdio: "ignore" },
  );
  children.push(child);
  return child;
}

describe("the local cloud's redis-server", () => {
  it("dies with the process that started it, even when that process is SIGKILLed", async () => {
    const port = await freePort();
    const owner = spawn(
      process.execPath,
      [join(projectRoot, "common", "run-ts.cjs"), "tests/support/redis-owner.ts", String(port)],
      { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(owner);
    await new Promise<void>((resolve) =>
      owner.stdout?.on("data", (chunk: Buffer) => chunk.includes("ready") && resolve()),
    );
    const pid = (await redisOnPort(port))?.pid;
    expect(pid).toBeGreaterThan(0);
    owner.kill("SIGKILL");
    expect(await within(3_000, () => portIsClosed(port))).toBe(true);
    expect(() => process.kill(pid ?? 0, 0)).toThrow(); // the process is gone, not just the port
  });

  it("takes its port back from a Redis that an earlier local cloud left running", async () => {
    const port = await freePort();
    const ownerDir = join(scratch, "ours");
    mkdirSync(ownerDir, { recursive: true });
    const lines: string[] = [];
    // The leftover runs in the project's own Redis folder, as the local cloud starts it.
    const leftover = bareRedis(port, ownerDir);
    await within(3_000, async () => (await redisOnPort(port)) !== undefined);
    const stale = new IORedis(`redis://127.0.0.1:${port}`);
    await stale.set("hashes", "14039");
    stale.disconnect();

    const redis = await startRedisServer({ port, ownerDir, log: (line) => lines.push(line) });
    try {
      expect(lines.join("\n")).toMatch(/took back port \d+ from a redis-server \(pid \d+\)/);
      expect(await within(2_000, async () => leftover.exitCode !== null)).toBe(true);
      const fresh = new IORedis(redis.url);
      expect(await fresh.get("hashes")).toBeNull(); // a new, empty Redis: nothing adopted
      fresh.disconnect();
    } finally {
      await redis.stop();
    }
  });

  it("refuses a port held by somebody else's Redis, naming its process, and leaves it alone", async () => {
    const port = await freePort();
    const theirs = bareRedis(port, scratch);
    await within(3_000, async () => (await redisOnPort(port)) !== undefined);
    const start = startRedisServer({ port, ownerDir: join(scratch, "ours") });
    await expect(start).rejects.toBeInstanceOf(RedisPortTakenError);
    await expect(start).rejects.toThrow(
      new RegExp(`port ${port} is already in use by pid ${theirs.pid} \\(redis-server`),
    );
    expect(theirs.exitCode).toBeNull();
    theirs.kill("SIGKILL");
  });

  it("refuses a port held by something that is not Redis at all", async () => {
    const server = createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(startRedisServer({ port, ownerDir: join(scratch, "ours") })).rejects.toThrow(
        new RegExp(`port ${port} is already in use by pid ${process.pid} `),
      );
    } finally {
      server.close();
    }
  });
});

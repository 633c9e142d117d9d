/**
 * Host mode's Redis (localstack/scripts/host/redis-bridge.ts, the part SRH and its Redis play
 * in Docker), without LocalStack: the real bridge process with a real redis-server, stopped by
 * the real `stopHostMode` with a stand-in (`sleep`) in LocalStack's place. It keeps its data
 * across down and up unless --reset, and is supervised while up.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { afterAll, describe, expect, it } from "vitest";
import { childEnvironment, localStackSettings } from "../../common/command-environment";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { redisOnPort } from "../../common/redis/port-holder";
import { stopHostMode } from "../../localstack/scripts/host/lifecycle";
import {
  type StartedProcess,
  spawnDetached,
  stillRunning,
  stopProcess,
} from "../../localstack/scripts/host/processes";
import type { BridgeReady } from "../../localstack/scripts/host/redis-bridge";
import { statePaths, writeState } from "../../localstack/scripts/host/state";
import { eventually } from "../support/launcher";

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-host-redis-"));
const started: StartedProcess[] = [];
afterAll(async () => {
  for (const p of started) await stopProcess(p, 2_000);
  rmSync(scratch, { recursive: true, force: true });
});

const TOKEN = "host-redis-test-token";

interface RunningBridge {
  process: StartedProcess;
  ready: BridgeReady;
  port: number;
  logFile: string;
  client: Redis;
}

/** Starts the bridge process as `localstack:up` does, and waits for its ready file. */
async function startBridgeProcess(stateDir: string, env: Record<string, string> = {}) {
  const paths = statePaths(stateDir);
  mkdirSync(paths.logs, { recursive: true });
  rmSync(paths.bridgeReady, { force: true });
  const port = await freePort();
  const logFile = join(paths.logs, "redis-bridge.log");
  const bridge = spawnDetached(
    process.execPath,
    [
      join(projectRoot, "common", "run-ts.cjs"),
      join(projectRoot, "localstack", "scripts", "host", "redis-bridge.ts"),
      String(port),
      paths.bridgeReady,
      paths.redis,
    ],
    { cwd: projectRoot, env: childEnvironment({ SRH_TOKEN: TOKEN, ...env }), logFile },
  );
  started.push(bridge);
  const ready = await eventually(
    async () =>
      existsSync(paths.bridgeReady)
        ? (JSON.parse(readFileSync(paths.bridgeReady, "utf8")) as BridgeReady)
        : undefined,
    15_000,
    `the bridge's ready file (log: ${logFile})`,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${readFileSync(logFile, "utf8")}`);
  });
  const client = new Redis({
    url: `http://127.0.0.1:${port}`,
    token: TOKEN,
    enableTelemetry: false,
    automaticDeserialization: false,
  });
  return { process: bridge, ready, port, logFile, client } satisfies RunningBridge;
}

/** What `localstack:up` records, with a stand-in process where LocalStack would be. */
async function recordHostState(stateDir: string, bridge: RunningBridge): Promise<void> {
  const standIn = spawnDetached("sleep", ["600"], {
    cwd: scratch,
    env: childEnvironment(),
    logFile: join(statePaths(stateDir).logs, "stand-in.log"),
  });
  started.push(standIn);
  writeState(stateDir, {
    mode: "host",
    endpoint: "http://127.0.0.1:1",
    localstack: { ...standIn, port: await freePort(), logFile: "" },
    bridge: {
      ...bridge.process,
      port: bridge.port,
      redisPort: bridge.ready.redisPort,
      url: `http://127.0.0.1:${bridge.port}`,
      logFile: bridge.logFile,
    },
    runtimeJs: join(scratch, "no-function-runs-this.js"),
    python: "stand-in",
    venv: "stand-in",
    startedAt: new Date().toISOString(),
  });
}

async function newRedisPid(port: number, not: number): Promise<number> {
  return eventually(
    async () => {
      const pid = (await redisOnPort(port))?.pid;
      return pid !== undefined && pid !== not ? pid : undefined;
    },
    5_000,
    "redis-server started again",
  );
}

describe("host mode's Redis", () => {
  it("keeps its data across down and up, is restarted when killed, and --reset empties it", async () => {
    const stateDir = join(scratch, "state");
    const settings = localStackSettings({ LOCALSTACK_STATE_DIR: stateDir });
    const first = await startBridgeProcess(stateDir);
    expect(first.ready.data).toBe("empty");
    await first.client.incrby("hashes", 12_345);
    await first.client.hset("wallet", { "0abc": "ff" });

    // Killed while up: back on its port with its data, and the bridge finds it by itself.
    const pid = (await redisOnPort(first.ready.redisPort))?.pid ?? 0;
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    await newRedisPid(first.ready.redisPort, pid);
    const hashes = await eventually(
      async () => (await first.client.get<string>("hashes")) ?? undefined,
      5_000,
      "the bridge to answer again",
    );
    const backMs = Date.now() - killedAt;
    expect(hashes).toBe("12345");
    expect(readFileSync(first.logFile, "utf8")).toMatch(/died \(SIGKILL\); starting it again/);

    // localstack:down, then up: the same data.
    await recordHostState(stateDir, first);
    const done = await stopHostMode(settings);
    expect(done).toBeDefined();
    expect(stillRunning(first.process)).toBe(false);
    const second = await startBridgeProcess(stateDir);
    expect(second.ready.data).toBe("kept");
    expect(await second.client.get("hashes")).toBe("12345");
    expect(await second.client.hlen("wallet")).toBe(1);
    console.log(
      `host mode's redis-server back ${backMs} ms after SIGKILL; data kept across down/up`,
    );

    // localstack:down -- --reset: the data goes.
    await recordHostState(stateDir, second);
    expect(await stopHostMode(settings, { reset: true })).toContain("Redis data deleted");
    expect(existsSync(statePaths(stateDir).redis)).toBe(false);
    const third = await startBridgeProcess(stateDir);
    expect(third.ready.data).toBe("empty");
    expect(await third.client.get("hashes")).toBeNull();
    await stopProcess(third.process, 5_000);
  });

  it("stops, with a message in its log, when redis-server keeps dying", async () => {
    const stateDir = join(scratch, "dying");
    const bridge = await startBridgeProcess(stateDir, { REDIS_MAX_DEATHS_PER_MINUTE: "2" });
    let pid = (await redisOnPort(bridge.ready.redisPort))?.pid ?? 0;
    process.kill(pid, "SIGKILL");
    pid = await newRedisPid(bridge.ready.redisPort, pid);
    process.kill(pid, "SIGKILL");
    await eventually(
      async () => (stillRunning(bridge.process) ? undefined : true),
      10_000,
      "the bridge process to stop",
    );
    expect(readFileSync(bridge.logFile, "utf8")).toMatch(
      /redis-server died 2 times within a minute/,
    );
  });
});

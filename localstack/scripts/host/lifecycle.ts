/**
 * Host mode's start and stop: LocalStack natively (`python -m localstack.runtime.main`, with
 * the host executor) and the Redis bridge, both in the background, recorded in the state
 * file. `start` returns once both are healthy; a start that fails, or is interrupted, stops
 * what it had started. `stop` stops what the state file lists, then makes sure that no
 * function process and no port of it is left.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalStackSettings } from "../../../common/command-environment";
import { portIsClosed } from "../../../common/ports";
import { projectRoot } from "../../../common/project";
import { findPython, isPreferred } from "../../../common/python";
import { describePortHolder } from "../../../common/redis/port-holder";
import { requireLocalStack, say } from "../preflight";
import { localStackEnvironment } from "./localstack-env";
import {
  processesRunning,
  type StartedProcess,
  spawnDetached,
  stillRunning,
  stopProcess,
} from "./processes";
import { type BridgeReady, HOST_MODE_HINTS } from "./redis-bridge";
import {
  type HostState,
  missingParts,
  readState,
  removeState,
  statePaths,
  writeState,
} from "./state";
import { ensurePlugin, ensureVirtualenv, venvPython } from "./virtualenv";

const BRIDGE_READY_TIMEOUT_MS = 15_000;
const HEALTH_POLL_MS = 250;
const BRIDGE_STOP_GRACE_MS = 5_000;
/** After LocalStack is gone its function processes exit within about a second. */
const RUNTIMES_EXIT_WAIT_MS = 3_000;
const LOG_TAIL_LINES = 25;
const runTs = join(projectRoot, "common", "run-ts.cjs");
const bridgeEntry = join(projectRoot, "localstack", "scripts", "host", "redis-bridge.ts");
const runtimeEntry = join(projectRoot, "localstack", "host", "runtime", "main.ts");

export class HostModeError extends Error {
  override readonly name = "HostModeError";
}

export function listenPort(endpoint: string): number {
  const url = new URL(endpoint);
  if (url.protocol !== "http:" || !["127.0.0.1", "localhost"].includes(url.hostname)) {
    throw new HostModeError(
      `host mode runs LocalStack on this machine's loopback: LOCALSTACK_ENDPOINT must be ` +
        `http://127.0.0.1:<port>, not ${endpoint}`,
    );
  }
  return Number(url.port || 80);
}

async function requirePortFree(port: number, what: string): Promise<void> {
  if (await portIsClosed(port)) return;
  const holder = describePortHolder(port);
  throw new HostModeError(
    `port ${port} (${what}) is already in use${holder ? ` by ${holder}` : ""}: stop it, or ` +
      "choose another port (LOCALSTACK_ENDPOINT, LOCALSTACK_BRIDGE_PORT)",
  );
}

function logTail(file: string): string {
  if (!existsSync(file)) return "(no output)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
}

/** The runtime, bundled, copied into the state folder: its path marks this LocalStack's functions. */
export function bundleRuntime(stateDir: string): string {
  const { bundleTypeScript } = require(runTs) as { bundleTypeScript(entry: string): string };
  const target = join(stateDir, "runtime", "host-runtime.cjs");
  mkdirSync(join(stateDir, "runtime"), { recursive: true });
  copyFileSync(bundleTypeScript(runtimeEntry), target);
  return target;
}

async function waitFor<T>(
  what: string,
  started: StartedProcess & { logFile: string },
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (!stillRunning(started)) {
      throw new HostModeError(
        `${what} exited during start-up; its last output:\n${logTail(started.logFile)}`,
      );
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(HEALTH_POLL_MS);
  }
  throw new HostModeError(
    `${what} was not ready within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}; ` +
      `its last output:\n${logTail(started.logFile)}`,
  );
}

export async function startHostMode(
  settings: LocalStackSettings,
  endpoint: string,
): Promise<HostState> {
  const paths = statePaths(settings.stateDir);
  const previous = readState(settings.stateDir);
  if (previous !== undefined) {
    const missing = missingParts(previous);
    if (missing.length === 0) {
      await requireLocalStack(previous.endpoint);
      say(
        `host mode already runs (LocalStack pid ${previous.localstack.pid} on ${previous.endpoint})`,
      );
      return previous;
    }
    say(`an earlier host-mode start is partly gone (${missing.join(", ")}): stopping the rest`);
    await stopHostMode(settings);
  }
  const port = listenPort(endpoint);
  await requirePortFree(port, "LocalStack");
  await requirePortFree(settings.bridgePort, "the Redis bridge");
  const python = await findPython(settings.python);
  if (!isPreferred(python)) {
    say(
      `Python ${python.version}: works, but 3.13 is preferred (on 3.11/3.12 LocalStack logs import errors of modules this stack does not use)`,
    );
  }
  const { venv } = await ensureVirtualenv(python, settings.cacheDir);
  if ((await ensurePlugin(venv, paths.plugin)) === "installed")
    say(`host executor plugin installed into ${paths.plugin}`);
  for (const dir of [paths.logs, paths.tmp, paths.volume, paths.redis])
    mkdirSync(dir, { recursive: true });
  const runtimeJs = bundleRuntime(settings.stateDir);

  const started: StartedProcess[] = [];
  const abort = () => {
    void Promise.all(started.map((p) => stopProcess(p, BRIDGE_STOP_GRACE_MS))).then(() =>
      process.exit(130),
    );
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  try {
    rmSync(paths.bridgeReady, { force: true });
    const bridgeLog = join(paths.logs, "redis-bridge.log");
    const bridge = {
      ...spawnDetached(
        process.execPath,
        [runTs, bridgeEntry, String(settings.bridgePort), paths.bridgeReady, paths.redis],
        { cwd: projectRoot, env: process.env, logFile: bridgeLog },
      ),
      logFile: bridgeLog,
    };
    started.push(bridge);
    const ready = await waitFor("the Redis bridge", bridge, BRIDGE_READY_TIMEOUT_MS, async () =>
      existsSync(paths.bridgeReady)
        ? (JSON.parse(readFileSync(paths.bridgeReady, "utf8")) as BridgeReady)
        : undefined,
    );
    const bridgeUrl = `http://127.0.0.1:${settings.bridgePort}`;
    say(
      `Redis bridge ready on ${bridgeUrl} (redis-server on port ${ready.redisPort}, pid ${bridge.pid}); ` +
        (ready.data === "kept"
          ? `Redis continues its data from the last run (${HOST_MODE_HINTS.reset} starts from zero)`
          : "Redis starts empty"),
    );

    const localstackLog = join(paths.logs, "localstack.log");
    const launchedAt = Date.now();
    const env = localStackEnvironment({
      port,
      stateTmp: paths.tmp,
      stateVolume: paths.volume,
      pluginDir: paths.plugin,
      runtimeJs,
      nodeModules: join(projectRoot, "node_modules"),
      nodeCache: settings.cacheDir,
      esmConcurrency: settings.esmConcurrency,
      debug: settings.debug,
      extraOrigins: settings.guard.extraOrigins,
    });
    const localstack = {
      ...spawnDetached(venvPython(venv), ["-m", "localstack.runtime.main"], {
        cwd: settings.stateDir,
        env,
        logFile: localstackLog,
      }),
      logFile: localstackLog,
    };
    started.push(localstack);
    say(`starting LocalStack 4.13.1 natively (pid ${localstack.pid}, log ${localstackLog})`);
    const version = await waitFor(
      "LocalStack",
      localstack,
      settings.startTimeoutSeconds * 1000,
      () => requireLocalStack(endpoint),
    );
    say(
      `LocalStack ${version} is healthy on ${endpoint} after ${((Date.now() - launchedAt) / 1000).toFixed(1)} s`,
    );
    const state: HostState = {
      mode: "host",
      endpoint,
      localstack: { ...localstack, port },
      bridge: { ...bridge, port: settings.bridgePort, redisPort: ready.redisPort, url: bridgeUrl },
      runtimeJs,
      python: `${python.version} (${python.executable})`,
      venv,
      startedAt: new Date().toISOString(),
    };
    writeState(settings.stateDir, state);
    return state;
  } catch (err) {
    await Promise.all(started.map((p) => stopProcess(p, BRIDGE_STOP_GRACE_MS)));
    throw err;
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
  }
}

/**
 * Stops what the state file lists; resolves with what it did, or undefined if nothing ran.
 * Redis's data stays for the next `up` (as a managed Redis keeps it) unless `reset`.
 */
export async function stopHostMode(
  settings: LocalStackSettings,
  { reset = false }: { reset?: boolean } = {},
): Promise<string[] | undefined> {
  const paths = statePaths(settings.stateDir);
  const state = readState(settings.stateDir);
  if (state === undefined) {
    if (reset) rmSync(paths.redis, { recursive: true, force: true });
    return undefined;
  }
  const done: string[] = [];
  done.push(`LocalStack: ${await stopProcess(state.localstack)}`);
  done.push(`Redis bridge: ${await stopProcess(state.bridge, BRIDGE_STOP_GRACE_MS)}`);
  // LocalStack stops its function processes; after a SIGKILL of it they notice and exit.
  const deadline = Date.now() + RUNTIMES_EXIT_WAIT_MS;
  let runtimes = processesRunning(state.runtimeJs);
  while (runtimes.length > 0 && Date.now() < deadline) {
    await sleep(HEALTH_POLL_MS);
    runtimes = processesRunning(state.runtimeJs);
  }
  for (const runtime of runtimes) await stopProcess(runtime, 0);
  if (runtimes.length > 0) done.push(`${runtimes.length} function processes killed`);
  const ports = [state.localstack.port, state.bridge.port, state.bridge.redisPort];
  for (const port of ports) {
    if (!(await portIsClosed(port)))
      throw new HostModeError(
        `port ${port} is still open after the stop (${describePortHolder(port) ?? "unknown holder"})`,
      );
  }
  removeState(settings.stateDir);
  // LocalStack's own files go (it keeps no state across restarts in this setup); Redis's stay.
  for (const dir of reset ? [paths.tmp, paths.volume, paths.redis] : [paths.tmp, paths.volume])
    rmSync(dir, { recursive: true, force: true });
  if (reset) done.push("Redis data deleted");
  return done;
}

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { childEnvironment, scriptSettings } from "../../common/command-environment";
import {
  type LocalTokens,
  localCloudTokensDir,
  stateDirSetting,
  tokensOrExplain,
} from "../../common/local-tokens";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";

const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");

const PORT_NAMES = ["api", "lambda", "dashboard", "redis", "bridge", "sqs"] as const;
export type PortName = (typeof PORT_NAMES)[number];

export interface LocalCloud {
  /** e.g. http://127.0.0.1:PORT/dev */
  apiUrl: string;
  dashboardUrl: string;
  bridgeUrl: string;
  sqsEndpoint: string;
  redisPort: number;
  ports: Record<PortName, number>;
  /** Its state folder (LOCAL_CLOUD_STATE_DIR): Redis keeps its data in `<it>/redis`. */
  stateDir: string;
  /** The tokens it made (or kept) in its state folder, as `npm run scale` reads them. */
  tokens: LocalTokens;
  /** Every line the cloud printed so far (prefixed, without colour). */
  output: string[];
  process: ChildProcess;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/**
 * Starts the real local cloud (`serverless offline start`) on free ports, as `npm start` would,
 * and resolves once it prints that it is ready.
 */
export async function startLocalCloud(
  env: Record<string, string> = {},
  options: {
    readyTimeoutMs?: number;
    /** A service of its own (a test fixture); default the project's serverless.yml. */
    serviceDir?: string;
    /** Ports to use (a restart on the same ones); default free ports picked now. */
    ports?: Record<PortName, number>;
    /**
     * A state folder to keep (a restart that continues the data); default a temporary one of
     * this launch, deleted when it exits: tests never touch the project's .local-cloud/.
     */
    stateDir?: string;
    /** Extra arguments for `serverless offline start`, e.g. ["--fresh"]. */
    args?: string[];
  } = {},
): Promise<LocalCloud> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const ports =
    options.ports ??
    (Object.fromEntries(
      await Promise.all(PORT_NAMES.map(async (name) => [name, await freePort()] as const)),
    ) as Record<PortName, number>);
  const { api, lambda, dashboard, redis, bridge, sqs } = ports;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "dockercoins-cloud-state-"));
  const removeOwnState = () => {
    if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
  };
  // The same command as `npm start` (package.json).
  const echo = scriptSettings().echoLocalCloud;
  const args = [serverlessBin, "offline", "start", ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: options.serviceDir ?? projectRoot,
    env: {
      // As `npm start` (package.json): glibc keeps fewer per-thread memory arenas.
      MALLOC_ARENA_MAX: "2",
      ...childEnvironment(),
      API_PORT: String(api),
      LAMBDA_PORT: String(lambda),
      DASHBOARD_PORT: String(dashboard),
      REDIS_PORT: String(redis),
      BRIDGE_PORT: String(bridge),
      SQS_PORT: String(sqs),
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: "1",
      // Edits made while a test runs must not rebuild and restart its functions.
      FUNCTIONS_WATCH: "none",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      removeOwnState();
      resolve(code);
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local cloud not ready in ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        output.push(line);
        if (echo) console.log(line);
        // The last line of the start-up summary: every URL has been printed by then.
        if (/dockercoins\s*\| press Ctrl-C to stop everything/.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `local cloud exited (${code}) before it was ready:\n${output.slice(-40).join("\n")}`,
        ),
      );
    });
  });
  const stop = async () => {
    const started = Date.now();
    if (child.exitCode === null) child.kill("SIGINT");
    const code = await exited;
    return { code, ms: Date.now() - started };
  };
  try {
    await ready;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  // The state folder as the cloud read it: `env` wins over this launch's own.
  const cloudStateDir = stateDirSetting({ LOCAL_CLOUD_STATE_DIR: stateDir, ...env });
  const tokensDir = localCloudTokensDir(options.serviceDir ?? projectRoot, cloudStateDir);
  return {
    // Read when asked: a fixture service without tokens in its serverless.yml makes none.
    get tokens() {
      return tokensOrExplain(tokensDir, "the launched local cloud");
    },
    apiUrl: `http://127.0.0.1:${api}/dev`,
    dashboardUrl: `http://127.0.0.1:${dashboard}`,
    bridgeUrl: `http://127.0.0.1:${bridge}`,
    sqsEndpoint: `http://127.0.0.1:${sqs}`,
    redisPort: redis,
    ports,
    stateDir,
    output,
    process: child,
    stop,
  };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(200);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
  );
}

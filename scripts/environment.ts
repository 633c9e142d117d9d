/**
 * Every environment variable that the project's commands read (benchmarks, `npm run scale`,
 * the LocalStack scripts, test helpers), in one place, parsed once. Functions read theirs in
 * functions/shared/config.ts; the local cloud in offline/environment.ts.
 */

import { homedir } from "node:os";
import { join } from "node:path";
import { type Env, intSetting } from "../functions/shared/settings";
import { projectRoot } from "../offline/project";

/**
 * The Upstash REST token of every local Redis (the local cloud's bridge, host mode's bridge,
 * SRH) unless one is set: serverless.yml's params.dev and params.local name it too.
 */
export const DEFAULT_REDIS_REST_TOKEN = "dockercoins-local-token";

class SettingError extends Error {
  override name = "SettingError";
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new SettingError(`${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

export interface ScriptSettings {
  /** Where `npm run scale` sends PUT /workers: SCALE_URL, else the local cloud on API_PORT. */
  scaleUrl: string;
  scaleToken: string;
  /** LOCALSTACK_ENDPOINT: LocalStack as the host sees it (host mode listens on its port). */
  localStackEndpoint: string;
  /** LOCALSTACK_AUTH_TOKEN: needed by LocalStack images newer than the pinned community one. */
  localStackAuthToken: string | undefined;
  /** BENCH_WINDOW_SECONDS: the measuring window of `npm run bench:scaling`. */
  benchWindowSeconds: number;
  /** CHROMIUM_PATH: the browser the e2e tests drive. */
  chromiumPath: string;
  /** STEP_SECONDS: how long each step of the docs screenshot run mines. */
  screenshotStepSeconds: number;
  /** LOCAL_CLOUD_ECHO: print a launched local cloud's output as it comes (debugging tests). */
  echoLocalCloud: boolean;
  /** SQS_ENDPOINT: where `npm run poison` sends; default the local cloud's fauxqs on SQS_PORT. */
  sqsEndpoint: string;
  /** TICKET_QUEUE_NAME: the workers' ticket queue (stage dev's by default). */
  ticketQueueName: string;
}

export function scriptSettings(env: Env = process.env): ScriptSettings {
  return {
    scaleUrl: (env.SCALE_URL ?? `http://127.0.0.1:${env.API_PORT ?? "3000"}/dev`).replace(
      /\/+$/,
      "",
    ),
    scaleToken: env.SCALE_TOKEN ?? "dockercoins-local-scale-token",
    localStackEndpoint: (env.LOCALSTACK_ENDPOINT ?? "http://127.0.0.1:4566").replace(/\/+$/, ""),
    localStackAuthToken: env.LOCALSTACK_AUTH_TOKEN || undefined,
    benchWindowSeconds: positiveNumber(env, "BENCH_WINDOW_SECONDS", 12),
    chromiumPath: env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    screenshotStepSeconds: positiveNumber(env, "STEP_SECONDS", 90),
    echoLocalCloud: Boolean(env.LOCAL_CLOUD_ECHO),
    sqsEndpoint: (env.SQS_ENDPOINT || `http://127.0.0.1:${env.SQS_PORT || "9324"}`).replace(
      /\/+$/,
      "",
    ),
    ticketQueueName: env.TICKET_QUEUE_NAME || "dockercoins-dev-worker-tickets",
  };
}

const LOCALSTACK_MODES = ["auto", "docker", "host"] as const;
export type LocalStackMode = (typeof LOCALSTACK_MODES)[number];

/** The `local` stage's LocalStack, in Docker or natively (host mode): localstack/README.md. */
export interface LocalStackSettings {
  /** LOCALSTACK_MODE: auto (Docker when an engine answers, else host), docker or host. */
  mode: LocalStackMode;
  /** LOCALSTACK_PYTHON: the Python for host mode; default the newest suitable one found. */
  python: string | undefined;
  /** Where host mode keeps its virtualenvs, shared by every clone: XDG_CACHE_HOME or ~/.cache. */
  cacheDir: string;
  /** LOCALSTACK_STATE_DIR: host mode's state file, logs and LocalStack's files (one clone's). */
  stateDir: string;
  /** LOCALSTACK_BRIDGE_PORT: the Upstash REST bridge of host mode (SRH's part in Docker). */
  bridgePort: number;
  /** SRH_TOKEN: the REST token of the stage's Redis (SRH in Docker, the bridge in host mode). */
  redisRestToken: string;
  /** LOCALSTACK_SQS_ESM_CONCURRENCY: batches an SQS event source mapping runs at once. */
  esmConcurrency: number;
  /** LOCALSTACK_START_TIMEOUT_SECONDS: how long `up` waits for LocalStack to be healthy. */
  startTimeoutSeconds: number;
  /** DEBUG: LocalStack's debug logging (1). */
  debug: boolean;
}

export function localStackSettings(env: Env = process.env): LocalStackSettings {
  const mode = env.LOCALSTACK_MODE || "auto";
  if (!LOCALSTACK_MODES.some((m) => m === mode)) {
    throw new SettingError(
      `LOCALSTACK_MODE must be one of ${LOCALSTACK_MODES.join(", ")}, got "${mode}"`,
    );
  }
  const cacheRoot = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return {
    mode: mode as LocalStackMode,
    python: env.LOCALSTACK_PYTHON || undefined,
    cacheDir: join(cacheRoot, "dockercoins"),
    stateDir:
      env.LOCALSTACK_STATE_DIR ||
      join(projectRoot, "node_modules", ".cache", "dockercoins-localstack"),
    bridgePort: intSetting(env, "LOCALSTACK_BRIDGE_PORT", { default: 4579, min: 1, max: 65_535 }),
    redisRestToken: env.SRH_TOKEN || DEFAULT_REDIS_REST_TOKEN,
    esmConcurrency: Math.ceil(positiveNumber(env, "LOCALSTACK_SQS_ESM_CONCURRENCY", 10)),
    startTimeoutSeconds: positiveNumber(env, "LOCALSTACK_START_TIMEOUT_SECONDS", 90),
    debug: env.DEBUG === "1",
  };
}

/** This process's environment, for a child process: a copy, with `overrides` applied. */
export function childEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

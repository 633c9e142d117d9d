/**
 * Every environment variable that the project's commands read (benchmarks, `npm run scale`,
 * the LocalStack scripts, test helpers), in one place, parsed once. Functions read theirs in
 * functions/shared/config.ts; the local cloud in offline/environment.ts.
 */

import { homedir } from "node:os";
import { join } from "node:path";
import {
  choiceSetting,
  type Env,
  intSetting,
  portSetting,
  positiveNumberSetting,
} from "../functions/shared/settings";
import { type GuardPolicy, guardPolicy } from "./http-guard";
import {
  keepLocalTokens,
  type LocalTokens,
  localCloudTokensDir,
  stateDirSetting,
  tokensOrExplain,
} from "./local-tokens";
import { projectRoot } from "./project";

export interface ScriptSettings {
  /** Where `npm run scale` sends PUT /workers: SCALE_URL, else the local cloud on API_PORT. */
  scaleUrl: string;
  /** SCALE_TOKEN; unset, the commands read the local cloud's own (localCloudScaleToken). */
  scaleToken: string | undefined;
  /** LOCAL_CLOUD_STATE_DIR as `npm start` reads it: where the local cloud keeps its tokens. */
  localCloudTokensDir: string;
  /** LOCALSTACK_ENDPOINT: LocalStack as the host sees it (host mode listens on its port). */
  localStackEndpoint: string;
  /** LOCALSTACK_AUTH_TOKEN: needed by LocalStack images newer than the pinned community one. */
  localStackAuthToken: string | undefined;
  /** BENCH_WINDOW_SECONDS: the measuring window of `npm run bench:scaling`. */
  benchWindowSeconds: number;
  /**
   * CHROMIUM_PATH: the browser the e2e tests, smoke:local and the doctor drive; unset, the
   * lookup of common/browser/browser-lookup.ts searches the usual places.
   */
  chromiumPath: string | undefined;
  /** STEP_SECONDS: how long each step of the docs screenshot run mines. */
  screenshotStepSeconds: number;
  /** LOCAL_CLOUD_ECHO: print a launched local cloud's output as it comes (debugging tests). */
  echoLocalCloud: boolean;
  /** SQS_ENDPOINT: where `npm run poison` sends; default the local cloud's fauxqs on SQS_PORT. */
  sqsEndpoint: string;
  /** TICKET_QUEUE_NAME: the workers' ticket queue (stage dev's by default). */
  ticketQueueName: string;
  /** SMOKE_CLOUD_SCREENSHOT: a PNG file where smoke:local saves the dashboard's Cloud panel. */
  smokeCloudScreenshot: string | undefined;
}

export function scriptSettings(env: Env = process.env): ScriptSettings {
  return {
    scaleUrl: (env.SCALE_URL ?? `http://127.0.0.1:${env.API_PORT ?? "3000"}/dev`).replace(
      /\/+$/,
      "",
    ),
    scaleToken: env.SCALE_TOKEN || undefined,
    localCloudTokensDir: localCloudTokensDir(projectRoot, stateDirSetting(env)),
    localStackEndpoint: (env.LOCALSTACK_ENDPOINT ?? "http://127.0.0.1:4566").replace(/\/+$/, ""),
    localStackAuthToken: env.LOCALSTACK_AUTH_TOKEN || undefined,
    benchWindowSeconds: positiveNumberSetting(env, "BENCH_WINDOW_SECONDS", 12),
    chromiumPath: env.CHROMIUM_PATH || undefined,
    screenshotStepSeconds: positiveNumberSetting(env, "STEP_SECONDS", 90),
    echoLocalCloud: Boolean(env.LOCAL_CLOUD_ECHO),
    sqsEndpoint: (env.SQS_ENDPOINT || `http://127.0.0.1:${env.SQS_PORT || "9324"}`).replace(
      /\/+$/,
      "",
    ),
    ticketQueueName: env.TICKET_QUEUE_NAME || "dockercoins-dev-worker-tickets",
    smokeCloudScreenshot: env.SMOKE_CLOUD_SCREENSHOT || undefined,
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
  /**
   * SRH_TOKEN: the REST token of the stage's Redis (SRH in Docker, the bridge in host mode);
   * unset, the one kept in the state folder (localStackTokens).
   */
  redisRestToken: string | undefined;
  /** SCALE_TOKEN: the bearer token of PUT /workers; unset, the one kept in the state folder. */
  scaleToken: string | undefined;
  /** LOCALSTACK_SQS_ESM_CONCURRENCY: batches an SQS event source mapping runs at once. */
  esmConcurrency: number;
  /** LOCALSTACK_START_TIMEOUT_SECONDS: how long `up` waits for LocalStack to be healthy. */
  startTimeoutSeconds: number;
  /** DEBUG: LocalStack's debug logging (1). */
  debug: boolean;
  /** REDIS_MAX_DEATHS_PER_MINUTE: host mode's redis-server deaths within a minute that stop it. */
  redisMaxDeathsPerMinute: number;
  /** LOCAL_ALLOWED_HOSTS, LOCAL_ALLOWED_ORIGINS: what the stage's servers let through. */
  guard: GuardPolicy;
}

/**
 * ~/.cache/dockercoins (under XDG_CACHE_HOME when set): what every clone shares, outside the
 * clone (LocalStack's virtualenv, cfn-lint's, Node 24 for CI).
 */
export function sharedCacheDir(env: Env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "dockercoins");
}

export interface CfnLintSettings {
  /** CFN_LINT_PYTHON: the Python (3.9+) that makes cfn-lint's virtualenv; default python3. */
  python: string;
  cacheDir: string;
}

export function cfnLintSettings(env: Env = process.env): CfnLintSettings {
  return { python: env.CFN_LINT_PYTHON || "python3", cacheDir: sharedCacheDir(env) };
}

export function localStackSettings(env: Env = process.env): LocalStackSettings {
  return {
    mode: choiceSetting(env, "LOCALSTACK_MODE", LOCALSTACK_MODES),
    python: env.LOCALSTACK_PYTHON || undefined,
    cacheDir: sharedCacheDir(env),
    stateDir:
      env.LOCALSTACK_STATE_DIR ||
      join(projectRoot, "node_modules", ".cache", "dockercoins-localstack"),
    bridgePort: portSetting(env, "LOCALSTACK_BRIDGE_PORT", 4579),
    redisRestToken: env.SRH_TOKEN || undefined,
    scaleToken: env.SCALE_TOKEN || undefined,
    esmConcurrency: Math.ceil(positiveNumberSetting(env, "LOCALSTACK_SQS_ESM_CONCURRENCY", 10)),
    startTimeoutSeconds: positiveNumberSetting(env, "LOCALSTACK_START_TIMEOUT_SECONDS", 90),
    debug: env.DEBUG === "1",
    redisMaxDeathsPerMinute: intSetting(env, "REDIS_MAX_DEATHS_PER_MINUTE", {
      default: 5,
      min: 1,
      max: 100,
    }),
    guard: guardPolicy(env),
  };
}

/** The scale token of `npm start`'s local cloud: SCALE_TOKEN, else the one it keeps. */
export function localCloudScaleToken(settings: ScriptSettings = scriptSettings()): string {
  return (
    settings.scaleToken ?? tokensOrExplain(settings.localCloudTokensDir, "npm start").scaleToken
  );
}

/**
 * The tokens of the `local` stage: made by the first `localstack:up` (or deploy) and kept in
 * its state folder; SRH_TOKEN and SCALE_TOKEN, when set, win.
 */
export function localStackTokens(settings: LocalStackSettings = localStackSettings()): LocalTokens {
  const kept = keepLocalTokens(settings.stateDir).tokens;
  return {
    redisRestToken: settings.redisRestToken ?? kept.redisRestToken,
    scaleToken: settings.scaleToken ?? kept.scaleToken,
  };
}

/** This process's environment, for a child process: a copy, with `overrides` applied. */
export function childEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

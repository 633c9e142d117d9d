/**
 * Every environment variable that the project's commands read (benchmarks, `npm run scale`,
 * the LocalStack scripts, test helpers), in one place, parsed once. Functions read theirs in
 * functions/shared/config.ts; the local cloud in offline/environment.ts.
 */

type Env = Readonly<Record<string, string | undefined>>;

export class SettingError extends Error {
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
  /** LOCALSTACK_ENDPOINT: LocalStack as the host sees it. */
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
}

export function scriptSettings(env: Env = process.env): ScriptSettings {
  return {
    scaleUrl: (env.SCALE_URL ?? `http://127.0.0.1:${env.API_PORT ?? "3000"}/dev`).replace(
      /\/+$/,
      "",
    ),
    scaleToken: env.SCALE_TOKEN ?? "dockercoins-local-scale-token",
    localStackEndpoint: (env.LOCALSTACK_ENDPOINT ?? "http://localhost:4566").replace(/\/+$/, ""),
    localStackAuthToken: env.LOCALSTACK_AUTH_TOKEN || undefined,
    benchWindowSeconds: positiveNumber(env, "BENCH_WINDOW_SECONDS", 12),
    chromiumPath: env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    screenshotStepSeconds: positiveNumber(env, "STEP_SECONDS", 90),
    echoLocalCloud: Boolean(env.LOCAL_CLOUD_ECHO),
  };
}

/** This process's environment, for a child process: a copy, with `overrides` applied. */
export function childEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

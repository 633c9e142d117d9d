/**
 * The doctor's checks of the programs the README's commands run: npm, redis-server (or the
 * Redis of REDIS_URL), a Chromium or Chrome, and, optional, the Python of LocalStack's host
 * mode and a Docker engine. Pure: each takes what probes.ts found and says ✓ or what to do.
 */
import type { BrowserLookup } from "../../common/browser/browser-lookup";
import { installCommand, type Platform } from "../../common/platform";
import type { CheckResult } from "./report";

/** A program found: where, and the version it reports (undefined when it would not say). */
export interface Found {
  path: string;
  version: string | undefined;
}

const at = (found: Found) => `${found.version ?? "version unknown"} at ${found.path}`;

export function npmCheck(npm: Found | undefined, platform: Platform): CheckResult {
  const base = { id: "npm", title: "npm", optional: false };
  if (npm) return { ...base, status: "ok", summary: at(npm), ...npm };
  return {
    ...base,
    status: "fail",
    summary: "npm not found on PATH",
    fix: `npm comes with Node.js: ${installCommand("node", platform)}`,
  };
}

/** A Redis URL for printing: its password masked. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(not a URL)";
  }
}

export interface RedisFacts {
  server: Found | undefined;
  /** REDIS_URL, when set: `npm start` uses that Redis instead of starting one. */
  redisUrl: string | undefined;
  /** "ok" when REDIS_URL answered PING, else why not; undefined when REDIS_URL is unset. */
  urlAnswer: "ok" | string | undefined;
  platform: Platform;
}

export function redisChecks({ server, redisUrl, urlAnswer, platform }: RedisFacts): CheckResult[] {
  const install = installCommand("redis", platform);
  const checks: CheckResult[] = [];
  const base = { id: "redis-server", title: "redis-server", optional: false };
  if (server) {
    checks.push({ ...base, status: "ok", summary: at(server), ...server });
  } else {
    checks.push({
      ...base,
      status: "fail",
      // The integration tests start redis-servers of their own, whatever REDIS_URL says.
      summary: redisUrl
        ? "not found on PATH: `npm start` can use REDIS_URL, but `npm test` starts its own redis-servers"
        : "not found on PATH: `npm start` and `npm test` start redis-server",
      fix: `install it: ${install}, or put the folder holding it on PATH${redisUrl ? "" : " (`npm start` alone: REDIS_URL=redis://… uses a Redis you run)"}`,
    });
  }
  if (redisUrl !== undefined) {
    const shown = safeRedisUrl(redisUrl);
    const url = { id: "redis-url", title: "REDIS_URL", optional: false };
    checks.push(
      urlAnswer === "ok"
        ? { ...url, status: "ok", summary: `${shown} answers PING (\`npm start\` uses it)` }
        : {
            ...url,
            status: "fail",
            summary: `${shown} does not answer (${urlAnswer ?? "not probed"})`,
            fix: "start that Redis, correct REDIS_URL, or unset it so that `npm start` runs its own redis-server",
          },
    );
  }
  return checks;
}

const SOURCES: Record<Extract<BrowserLookup, { found: true }>["source"], string> = {
  CHROMIUM_PATH: "from CHROMIUM_PATH",
  PATH: "on PATH",
  snap: "the snap",
  Applications: "in Applications",
  Playwright: "from Playwright's cache",
};

export function browserCheck(
  lookup: BrowserLookup,
  version: string | undefined,
  platform: Platform,
): CheckResult {
  const base = { id: "browser", title: "Chromium/Chrome", optional: false };
  const install = installCommand("browser", platform);
  if (lookup.found) {
    return {
      ...base,
      status: "ok",
      summary: `${at({ path: lookup.path, version })} (${SOURCES[lookup.source]}; for \`npm test\` and smoke:local)`,
      path: lookup.path,
      version,
    };
  }
  if (lookup.explicit) {
    return {
      ...base,
      status: "fail",
      summary: lookup.reason,
      fix: `point CHROMIUM_PATH at a Chromium or Chrome executable, or unset it to search the usual places; to install one: ${install}`,
    };
  }
  return {
    ...base,
    status: "fail",
    summary: `${lookup.reason} (looked at ${lookup.tried.join("; ")})`,
    fix: `install one: ${install}, or set CHROMIUM_PATH to a Chromium or Chrome executable`,
  };
}

export interface PythonFacts {
  /** The Python host mode would use (common/python.ts), or why there is none. */
  python: Found | { error: string };
  /** "ok" when `venv` and `ensurepip` import, else the error; undefined without a Python. */
  venv: "ok" | string | undefined;
  platform: Platform;
}

export function pythonCheck({ python, venv, platform }: PythonFacts): CheckResult {
  const base = { id: "python", title: "Python 3.11+", optional: true };
  const fix = `${installCommand("python", platform)}, or set LOCALSTACK_PYTHON to one`;
  if ("error" in python) {
    return {
      ...base,
      status: "fail",
      summary: `LocalStack's host mode (\`npm run localstack:up\` without Docker): ${python.error}`,
      fix,
    };
  }
  if (venv !== "ok") {
    return {
      ...base,
      status: "fail",
      summary: `${at(python)} cannot make virtualenvs (${venv ?? "not probed"}), which LocalStack's host mode needs`,
      fix,
      ...python,
    };
  }
  return {
    ...base,
    status: "ok",
    summary: `${at(python)}, with venv (for LocalStack's host mode)`,
    ...python,
  };
}

export interface DockerFacts {
  /** The docker CLI, when on PATH. */
  cli: string | undefined;
  /** The engine's version when it answers, else why not (preflight.ts's reason). */
  engine: { version: string } | { reason: string };
  platform: Platform;
}

export function dockerCheck({ cli, engine, platform }: DockerFacts): CheckResult {
  const base = { id: "docker", title: "Docker engine", optional: true };
  if ("version" in engine) {
    return {
      ...base,
      status: "ok",
      summary: `${engine.version} answers${cli ? ` (CLI ${cli})` : ""} (for LocalStack in Docker)`,
      version: engine.version,
      ...(cli ? { path: cli } : {}),
    };
  }
  return {
    ...base,
    status: "fail",
    summary: `none answers (${engine.reason}): \`npm run localstack:up\` runs LocalStack natively instead`,
    fix: `for LocalStack in Docker: ${installCommand("docker", platform)}; DOCKER_HOST points at another engine`,
  };
}

/** The version in what `redis-server --version` prints ("Redis server v=7.0.15 sha=…"). */
export function redisVersion(output: string | undefined): string | undefined {
  return output ? /\bv=(\S+)/.exec(output)?.[1] : undefined;
}

/** The name and version in what a browser's `--version` prints ("Chromium 156.0.8078.114 built on …"). */
export function browserVersion(output: string | undefined): string | undefined {
  const line = output?.split("\n").find((l) => /\d+\.\d+\.\d+/.test(l));
  return line ? /^(.*?\d+(?:\.\d+)+)/.exec(line.trim())?.[1] : undefined;
}

/** npm's version and path from the environment `npm run` gives a script, when it does. */
export function npmFromEnvironment(env: {
  npm_config_user_agent?: string;
  npm_execpath?: string;
}): Found | undefined {
  const version = /^npm\/(\S+)/.exec(env.npm_config_user_agent ?? "")?.[1];
  return version && env.npm_execpath ? { path: env.npm_execpath, version } : undefined;
}

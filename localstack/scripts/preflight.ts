/**
 * What the LocalStack scripts check first, so that they fail in seconds with a message that
 * says what to do: is there a Docker engine (mode.ts decides what its absence means), and is
 * LocalStack up and healthy? Also the one way scripts run a command (printed first, output
 * shown as it comes).
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { childEnvironment } from "../../common/command-environment";
import { DockerUnavailableError } from "../../common/docker";
import { REQUIRED_SERVICES } from "./stack";

const COMPOSE_TIMEOUT_MS = 5_000;
const HEALTH_TIMEOUT_MS = 3_000;
/** States of a LocalStack service that mean "usable" (others: "error", "disabled", …). */
const USABLE = new Set(["available", "running"]);

export class LocalStackNotHealthyError extends Error {
  override readonly name = "LocalStackNotHealthyError";
}

export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
}

/** Prints one step of a script, so a user sees what it does before it does it. */
export function say(message: string): void {
  console.log(`[localstack] ${message}`);
}

/** `docker compose` (v2) is a plugin of the CLI; `up --wait` needs it. */
export async function requireCompose(docker = "docker"): Promise<void> {
  try {
    await promisify(execFile)(docker, ["compose", "version"], { timeout: COMPOSE_TIMEOUT_MS });
  } catch {
    throw new DockerUnavailableError(
      "Docker Compose v2 (`docker compose`) is not installed: install the compose plugin " +
        "(Docker Desktop has it; on Linux, the docker-compose-plugin package).",
      "Docker Compose v2 is not installed",
    );
  }
}

interface Health {
  services?: Record<string, string>;
  version?: string;
}

/** Resolves with LocalStack's version once every service the stack needs is usable. */
export async function requireLocalStack(
  endpoint: string,
  services: readonly string[] = REQUIRED_SERVICES,
  /** Where its log is (host mode); Docker's is read with `docker compose logs`. */
  logFile?: string,
): Promise<string> {
  const url = `${endpoint}/_localstack/health`;
  let health: Health;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    health = (await res.json()) as Health;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new LocalStackNotHealthyError(
      `LocalStack is not answering on ${url} (${reason}). Start it with ` +
        "`npm run localstack:up`, or set LOCALSTACK_ENDPOINT if it runs elsewhere.",
    );
  }
  const states = health.services ?? {};
  const unusable = services.filter((s) => !USABLE.has(states[s] ?? "missing"));
  if (unusable.length > 0) {
    const detail = unusable.map((s) => `${s}: ${states[s] ?? "missing"}`).join(", ");
    throw new LocalStackNotHealthyError(
      `LocalStack answers but is not healthy (${detail}). Look at ` +
        (logFile ?? "`docker compose -f localstack/docker-compose.yml logs localstack`") +
        ".",
    );
  }
  return health.version ?? "unknown version";
}

/** Runs a command with its output shown, after printing it; rejects on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  say(`$ ${[command, ...args].join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? childEnvironment(),
      stdio: "inherit",
    });
    child.once("error", (err) =>
      reject(new CommandFailedError(`${command} could not start: ${err.message}`)),
    );
    child.once("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(new CommandFailedError(`${command} ${args[0] ?? ""} failed (${signal ?? code})`)),
    );
  });
}

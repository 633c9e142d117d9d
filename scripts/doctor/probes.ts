/**
 * What the doctor asks the machine, each answer within PROBE_TIMEOUT_MS and none starting
 * anything that stays: a program's version, whether a port can be bound, whether REDIS_URL
 * answers, the Python of LocalStack's host mode (its own finder) and the Docker engine (the
 * LocalStack scripts' own check). The judging is in tools.ts and ports.ts.
 */
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { projectRoot } from "../../common/project";
import { findPython, PythonNotFoundError } from "../../common/python";
import { localRedisDataDir } from "../../common/redis/local-redis";
import {
  describePortHolder,
  localCloudRedisDir,
  redisOnPort,
} from "../../common/redis/port-holder";
import { createRedisConnection, waitUntilReady } from "../../common/upstash-bridge/redis";
import type { PortState } from "./ports";
import type { Found } from "./tools";

/** The longest the doctor waits for any one answer (a program's version, a Redis's PING). */
export const PROBE_TIMEOUT_MS = 5_000;
/** REDIS_URL's Redis must answer within this, as the local cloud's bridge expects at start. */
const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/** What `path args…` prints (stdout, else stderr), or undefined if it fails to run. */
export async function programOutput(path: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await promisify(execFile)(path, args, {
      timeout: PROBE_TIMEOUT_MS,
    });
    return stdout.trim() || stderr.trim();
  } catch {
    return undefined;
  }
}

/** Binds 127.0.0.1:port as the local cloud's servers do, and lets it go at once. */
export function portState(port: number): Promise<PortState> {
  return new Promise<PortState>((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      resolve({ free: false, holder: describePortHolder(port), error: err.code ?? err.message }),
    );
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () =>
      server.close(() => resolve({ free: true })),
    );
  });
}

/**
 * The Redis port's state: a Redis running in one of the local cloud's folders was left by an earlier
 * local cloud of this checkout, which `npm start` shuts down (common/redis/server.ts).
 */
export async function redisPortState(port: number): Promise<PortState> {
  const state = await portState(port);
  if (state.free) return state;
  const found = await redisOnPort(port);
  // Its data folder (durable, the default) or the ephemeral one (LOCAL_CLOUD_STATE_DIR=none).
  const dataDir = localRedisDataDir(projectRoot);
  const ownDirs = [...(dataDir ? [dataDir] : []), localCloudRedisDir(projectRoot)].flatMap(
    (dir) => {
      try {
        return [realpathSync(dir)]; // Redis reports a real path
      } catch {
        return []; // no local cloud ever started a Redis there
      }
    },
  );
  return found?.dir !== undefined && ownDirs.includes(found.dir)
    ? { free: false, leftoverRedis: found.pid }
    : state;
}

/** "ok" when the Redis at `url` answers PING, else why not. */
export async function redisAnswers(url: string): Promise<string> {
  let redis: ReturnType<typeof createRedisConnection>;
  try {
    redis = createRedisConnection(url);
  } catch (err) {
    return (err as Error).message;
  }
  redis.on("error", () => {}); // reported through waitUntilReady
  try {
    await waitUntilReady(redis, REDIS_CONNECT_TIMEOUT_MS);
    return (await redis.ping()) === "PONG" ? "ok" : "no PONG to PING";
  } catch (err) {
    return (err as Error).message || "no answer";
  } finally {
    redis.disconnect();
  }
}

/** The Python host mode would pick, and whether it can make a virtualenv. */
export async function pythonForHostMode(
  explicit: string | undefined,
): Promise<{ python: Found | { error: string }; venv: string | undefined }> {
  let found: Awaited<ReturnType<typeof findPython>>;
  try {
    found = await findPython(explicit);
  } catch (err) {
    if (!(err instanceof PythonNotFoundError)) throw err;
    // The finder's message ends with install commands for every system; the doctor gives this one's.
    return {
      python: { error: err.message.split(" Install one:")[0] ?? err.message },
      venv: undefined,
    };
  }
  const python = { path: found.executable, version: found.version };
  try {
    // `python -m venv` needs both (Debian's python3-venv ships ensurepip).
    await promisify(execFile)(found.executable, ["-c", "import venv, ensurepip"], {
      timeout: PROBE_TIMEOUT_MS,
    });
    return { python, venv: "ok" };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { python, venv: e.stderr?.trim().split("\n").pop() || e.message };
  }
}

/** The Docker engine's version, or why none answers (the LocalStack scripts' own check). */
export async function dockerEngine(): Promise<{ version: string } | { reason: string }> {
  // Loaded here, not above: its module pulls in the AWS SDK (about 0.15 s), which then loads
  // while the other probes' programs run.
  const { DockerUnavailableError, requireDocker } = await import("../../common/docker");
  try {
    return { version: await requireDocker() };
  } catch (err) {
    if (err instanceof DockerUnavailableError) return { reason: err.reason };
    throw err;
  }
}

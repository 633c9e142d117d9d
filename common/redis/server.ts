/**
 * Starts a throwaway redis-server child process for the local cloud and the integration tests.
 *
 * The server is ephemeral on purpose: it listens on 127.0.0.1 only, never writes RDB/AOF files
 * (`--save ''`, `--appendonly no`), and logs warnings only, so every run starts from an empty
 * database and leaves nothing behind.
 *
 * It never outlives the process that started it: it runs under a small shell watchdog that
 * holds a pipe from this process and stops Redis when the pipe closes, which the kernel does
 * however this process ends (Ctrl-C, an error, out of memory, SIGKILL). And a Redis it did
 * not start is never adopted (port-holder.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../ports";
import { describePortHolder, redisOnPort, redisProbe, shutDownRedis } from "./port-holder";

export interface RedisServerOptions {
  /** TCP port to listen on; 0 picks a free one. */
  port: number;
  /** Receives each line redis-server prints. */
  log?: (line: string) => void;
  /** Executable to run; defaults to `redis-server` looked up on PATH. */
  binary?: string;
  /**
   * Keep the data in this folder (append-only file, fsync at every write), so that a stop and
   * a start on the same port keep it, as a real Redis restart does. Tests only; default off.
   */
  persistDir?: string;
  /**
   * The folder Redis runs in, which marks it as this project's: a Redis found on the port
   * that runs there was left by an earlier local cloud and is shut down; any other one is an
   * error. Default: the system's temporary folder (nothing is recognised as ours).
   */
  ownerDir?: string;
}

export interface RunningRedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** SIGTERM, then SIGKILL if the server is still alive after 2 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** The redis-server executable could not be found (spawn failed with ENOENT). */
export class RedisServerMissingError extends Error {
  override readonly name = "RedisServerMissingError";
  constructor(readonly binary: string) {
    super(
      `${binary} was not found on PATH; install it with \`sudo apt-get install redis-server\` ` +
        "(Debian/Ubuntu) or `brew install redis` (macOS), or set REDIS_URL to use a Redis you already run.",
    );
  }
}

/** Something else listens on the port: never adopted, never killed. */
export class RedisPortTakenError extends Error {
  override readonly name = "RedisPortTakenError";
  constructor(port: number, holder: string | undefined) {
    super(
      `port ${port} is already in use${holder ? ` by ${holder}` : ""}, and not by a Redis of ` +
        "an earlier local cloud of this project: stop it, or choose another port (REDIS_PORT), " +
        "or use that Redis on purpose (REDIS_URL=redis://127.0.0.1:" +
        `${port}).`,
    );
  }
}

/** redis-server started but exited early or never answered PING. */
export class RedisServerStartError extends Error {
  override readonly name = "RedisServerStartError";
  constructor(
    message: string,
    /** The last lines redis-server printed, to explain the failure. */
    readonly output: readonly string[],
  ) {
    super(output.length > 0 ? `${message}; its last output:\n${output.join("\n")}` : message);
  }

  get addressInUse(): boolean {
    return this.output.some((line) => line.includes("Address already in use"));
  }
}

const READY_TIMEOUT_MS = 5_000;
const PING_RETRY_MS = 10;
const STOP_GRACE_MS = 2_000;
/** How long a leftover Redis of ours has to release the port after SHUTDOWN. */
const TAKE_BACK_TIMEOUT_MS = 2_000;
/** With port 0 a freshly picked port can be taken before redis binds it; retry a few times. */
const FREE_PORT_ATTEMPTS = 3;
const OUTPUT_TAIL_LINES = 20;
const PID_LINE = /^dockercoins-redis-pid (\d+)$/;

/**
 * The watchdog: starts redis-server with the arguments given, prints its pid, and kills it
 * when its standard input (a pipe from the local cloud) reaches end of file, then exits with
 * Redis's status. Redis itself reads nothing from stdin.
 */
const WATCHDOG = `exec 3<&0
binary=$1
shift
"$binary" "$@" </dev/null &
pid=$!
echo "dockercoins-redis-pid $pid"
{ read -r _ <&3; kill "$pid" 2>/dev/null; } &
reader=$!
wait "$pid"
status=$?
kill "$reader" 2>/dev/null
exit "$status"`;

export async function startRedisServer(opts: RedisServerOptions): Promise<RunningRedisServer> {
  const attempts = opts.port === 0 ? FREE_PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port === 0 ? await freePort() : opts.port;
    try {
      if (opts.port !== 0) await takeBackPort(port, opts);
      return await startOnPort(port, opts);
    } catch (err) {
      const inUse = err instanceof RedisServerStartError && err.addressInUse;
      if (inUse && opts.port !== 0) throw new RedisPortTakenError(port, describePortHolder(port));
      if (!inUse || attempt >= attempts) throw err;
    }
  }
}

/** Frees the port of a Redis an earlier local cloud left behind; refuses anyone else's. */
async function takeBackPort(port: number, opts: RedisServerOptions): Promise<void> {
  if (opts.ownerDir !== undefined && !existsSync(opts.ownerDir)) {
    mkdirSync(opts.ownerDir, { recursive: true });
  }
  if (await redisProbe(port, [["PING"]]).then((reply) => reply === undefined)) {
    // Nothing answers; if something still holds the port, redis-server will say so.
    return;
  }
  const found = await redisOnPort(port);
  // Redis reports the folder it runs in as a real path (links resolved).
  const ownerDir = opts.ownerDir === undefined ? undefined : realpathSync(opts.ownerDir);
  const ours = found !== undefined && ownerDir !== undefined && found.dir === ownerDir;
  if (!ours) throw new RedisPortTakenError(port, describePortHolder(port));
  await shutDownRedis(port);
  const deadline = Date.now() + TAKE_BACK_TIMEOUT_MS;
  while ((await redisProbe(port, [["PING"]])) !== undefined) {
    if (Date.now() > deadline) throw new RedisPortTakenError(port, describePortHolder(port));
    await sleep(PING_RETRY_MS);
  }
  opts.log?.(
    `took back port ${port} from a redis-server (pid ${found.pid ?? "?"}) that an earlier local cloud left running`,
  );
}

function serverArgs(port: number, opts: RedisServerOptions): string[] {
  const dir = opts.persistDir ?? opts.ownerDir ?? tmpdir();
  mkdirSync(dir, { recursive: true });
  const storage = opts.persistDir
    ? ["--save", "", "--appendonly", "yes", "--appendfsync", "always"]
    : ["--save", "", "--appendonly", "no"];
  return [
    ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
    ...storage,
    ...["--daemonize", "no", "--loglevel", "warning", "--logfile", ""],
  ];
}

async function startOnPort(port: number, opts: RedisServerOptions): Promise<RunningRedisServer> {
  const binary = opts.binary ?? "redis-server";
  const log = opts.log ?? (() => {});
  const tail: string[] = [];
  // Detached: its own process group, so a terminal's Ctrl-C (SIGINT to the foreground group)
  // does not stop Redis before the workers have flushed their last counts; stop() does.
  const child = spawn("sh", ["-c", WATCHDOG, "sh", binary, ...serverArgs(port, opts)], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let redisPid: number | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      const pid = PID_LINE.exec(line)?.[1];
      if (pid !== undefined) {
        redisPid = Number(pid);
        return;
      }
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      log(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If the test runner or CLI exits normally, take the whole watchdog group down with it.
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const startFailed = new Promise<never>((_, reject) => {
    // `on`, not `once`: an unhandled later "error" event (e.g. a failed kill) would crash the host.
    child.on("error", reject);
    child.once("exit", (code, signal) => {
      // The shell reports a command it cannot find as 127.
      if (code === 127) {
        reject(new RedisServerMissingError(binary));
        return;
      }
      reject(
        new RedisServerStartError(`redis-server exited (${code ?? signal}) during startup`, tail),
      );
    });
  });
  const pinging = new AbortController();
  try {
    await Promise.race([waitForOwnPong(port, () => redisPid, pinging.signal, tail), startFailed]);
  } catch (err) {
    await terminate(child, exited);
    process.off("exit", killOnExit);
    throw err;
  } finally {
    pinging.abort();
  }

  let stopping = false;
  child.once("exit", (code, signal) => {
    if (!stopping) log(`redis-server on port ${port} exited unexpectedly (${code ?? signal})`);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      stopping = true;
      await terminate(child, exited);
      process.off("exit", killOnExit);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Closes the watchdog's pipe (Redis gets SIGTERM), escalates to SIGKILL, waits for the exit. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const escalate = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(escalate);
}

/** Waits for PONG from the redis-server this watchdog started, never from another one. */
async function waitForOwnPong(
  port: number,
  ownPid: () => number | undefined,
  signal: AbortSignal,
  tail: string[],
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!signal.aborted) {
    const pid = ownPid();
    if (pid !== undefined) {
      const found = await redisOnPort(port);
      if (found?.pid === pid) return;
    }
    if (Date.now() >= deadline) {
      throw new RedisServerStartError(
        `redis-server did not answer PING on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`,
        tail,
      );
    }
    await sleep(PING_RETRY_MS);
  }
}

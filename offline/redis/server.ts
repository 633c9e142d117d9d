/**
 * Starts a throwaway redis-server child process for the local cloud and the integration tests.
 *
 * The server is ephemeral on purpose: it listens on 127.0.0.1 only, never writes RDB/AOF files
 * (`--save ''`, `--appendonly no`), and logs warnings only, so every run starts from an empty
 * database and leaves nothing behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { freePort } from "../ports";

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
const PING_RETRY_MS = 50;
const STOP_GRACE_MS = 2_000;
/** With port 0 a freshly picked port can be taken before redis binds it; retry a few times. */
const FREE_PORT_ATTEMPTS = 3;
const OUTPUT_TAIL_LINES = 20;

export async function startRedisServer(opts: RedisServerOptions): Promise<RunningRedisServer> {
  const attempts = opts.port === 0 ? FREE_PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port === 0 ? await freePort() : opts.port;
    try {
      return await startOnPort(port, opts);
    } catch (err) {
      const retryable = err instanceof RedisServerStartError && err.addressInUse;
      if (!retryable || attempt >= attempts) throw err;
    }
  }
}

function serverArgs(port: number, persistDir?: string): string[] {
  const storage = persistDir
    ? ["--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", persistDir]
    : ["--save", "", "--appendonly", "no", "--dir", tmpdir()];
  return [
    ...["--port", String(port), "--bind", "127.0.0.1"],
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
  const child = spawn(binary, serverArgs(port, opts.persistDir), {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      log(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If the test runner or CLI dies, don't leave an orphaned redis-server holding the port.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const startFailed = new Promise<never>((_, reject) => {
    // `on`, not `once`: an unhandled later "error" event (e.g. a failed kill) would crash the host.
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "ENOENT" ? new RedisServerMissingError(binary) : err),
    );
    child.once("exit", (code, signal) =>
      reject(
        new RedisServerStartError(`redis-server exited (${code ?? signal}) during startup`, tail),
      ),
    );
  });
  const pinging = new AbortController();
  try {
    await Promise.race([waitForPing(port, pinging.signal, tail), startFailed]);
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

/** SIGTERM, escalate to SIGKILL after a grace period, and wait for the exit. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const escalate = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(escalate);
}

async function waitForPing(port: number, signal: AbortSignal, tail: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!signal.aborted) {
    if (await pingOnce(port)) return;
    if (Date.now() >= deadline) {
      throw new RedisServerStartError(
        `redis-server did not answer PING on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`,
        tail,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, PING_RETRY_MS));
  }
}

/** One raw RESP PING; true only for +PONG (a server still loading answers -LOADING). */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
  });
}

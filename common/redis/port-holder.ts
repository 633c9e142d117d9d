/**
 * Who holds a TCP port on 127.0.0.1, for a redis-server that cannot bind it. The local cloud
 * never adopts a Redis it did not start: a redis-server that an earlier local cloud of this
 * checkout left behind (its process was killed before it could stop it) is recognised by the
 * folder it was started in, and shut down; anything else is named, with its process where
 * /proc tells, so that the user can decide.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";

const PROBE_TIMEOUT_MS = 1_000;

/**
 * The folder the local cloud starts its redis-server in (its ownerDir), which marks that Redis
 * as this checkout's: the plugin starts it there, and `npm run doctor` recognises a leftover.
 */
export const localCloudRedisDir = (serviceDir: string) =>
  join(serviceDir, "node_modules", ".cache", "dockercoins-redis");

/** Sends raw RESP commands and collects the reply text; undefined if nothing answers. */
export function redisProbe(port: number, commands: string[][]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (answer: string | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(reply === "" ? undefined : reply));
    socket.once("error", () => finish(reply === "" ? undefined : reply));
    socket.once("connect", () => {
      const wire = commands.map(
        (args) =>
          `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`,
      );
      socket.write(wire.join(""));
    });
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      // The last command is always PING, so +PONG ends the conversation.
      if (reply.includes("+PONG\r\n")) finish(reply);
    });
    socket.once("close", () => finish(reply === "" ? undefined : reply));
  });
}

export interface RedisOnPort {
  pid: number | undefined;
  /** The folder it was started in (CONFIG GET dir): ours is the project's cache folder. */
  dir: string | undefined;
}

/** The Redis answering on `port`, or undefined when none does (free, or something else). */
export async function redisOnPort(port: number): Promise<RedisOnPort | undefined> {
  const reply = await redisProbe(port, [["CONFIG", "GET", "dir"], ["INFO", "server"], ["PING"]]);
  if (reply === undefined || !reply.includes("redis_version:")) return undefined;
  const pid = Number(/process_id:(\d+)/.exec(reply)?.[1]);
  const dir = /\$\d+\r\ndir\r\n\$\d+\r\n([^\r]*)\r\n/.exec(reply)?.[1];
  return { pid: Number.isInteger(pid) ? pid : undefined, dir };
}

/** Asks a Redis to exit without saving (what `redis-cli shutdown nosave` does). */
export async function shutDownRedis(port: number): Promise<void> {
  await redisProbe(port, [["SHUTDOWN", "NOSAVE"]]);
}

/** The process listening on 127.0.0.1:port (Linux /proc), as "pid 123 (command line)". */
export function describePortHolder(port: number): string | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        const localPort = Number.parseInt(fields[1]?.split(":")[1] ?? "", 16);
        // State 0A is LISTEN.
        if (localPort === port && fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue; // not ours to read, or gone
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) {
          const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
          return `pid ${entry} (${command.trim()})`;
        }
      }
    }
  } catch {
    // No /proc (macOS): the caller says only that the port is taken.
  }
  return undefined;
}

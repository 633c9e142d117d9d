/**
 * Local Upstash REST bridge: an HTTP server speaking the subset of the Upstash Redis REST API
 * that @upstash/redis 1.39 uses, forwarding to a real redis-server over one ioredis connection.
 *
 * - Endpoints: `POST /` (one command), `POST /pipeline` (several, not atomic) and
 *   `POST /multi-exec` (MULTI/EXEC, atomic). Wire format: see protocol.ts.
 * - Auth: `Authorization: Bearer <token>`, compared in constant time; otherwise 401
 *   `{"error":"Unauthorized"}`. Unknown path 404, wrong method 405, bad JSON or bad command
 *   shape 400, body over `maxBodyBytes` 413, all as JSON `{"error": "..."}`.
 * - Security: binds 127.0.0.1 unless told otherwise, refuses foreign Host names and Origins
 *   before anything else (common/http-guard.ts), sends no CORS header, and forwards only the commands allowed by
 *   commands.ts (admin commands such as FLUSHALL, CONFIG, KEYS, EVAL are refused unless
 *   `allowAllCommands` is set; a refused command answers exactly where a Redis error would).
 * - Redis down: requests fail at once with 503 (no offline queue, in-flight commands rejected on
 *   disconnect) and ioredis reconnects in the background, so service resumes on its own when
 *   Redis is back on the same address. Logs one line at startup and on connection loss/recovery.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import { LocalCloudError } from "../errors";
import { type GuardPolicy, LOOPBACK_ONLY, refuseForeign } from "../http-guard";
import { type CommandPolicy, refusal } from "./commands";
import { boundPort, closeServer, isLoopback, listen, readBody, sendJson } from "./http";
import {
  BridgeHttpError,
  DEFAULT_MAX_BODY_BYTES,
  encodeResult,
  isAuthorized,
  type Json,
  parseCommand,
  parseCommandBatch,
  parseJsonBody,
  toOutcome,
  UNAUTHORIZED_MESSAGE,
  wantsBase64,
} from "./protocol";
import {
  createRedisConnection,
  RedisUnavailableError,
  runCommand,
  runPipeline,
  runTransaction,
  TransactionAbortedError,
  waitUntilReady,
} from "./redis";

export { DEFAULT_MAX_BODY_BYTES };

export interface BridgeOptions {
  /** e.g. redis://127.0.0.1:6379 */
  redisUrl: string;
  /** The bearer token clients must send (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: pick a free port. */
  port?: number;
  /** Default DEFAULT_MAX_BODY_BYTES (1 MiB). */
  maxBodyBytes?: number;
  /** Forward admin commands too (FLUSHALL, CONFIG, ...); meant for test set-up code only. */
  allowAllCommands?: boolean;
  /** Which Host names and Origins may reach it (common/http-guard.ts); default loopback only. */
  guard?: GuardPolicy;
  /** How long startup waits for the first Redis connection. Default 5000 ms. */
  redisReadyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningBridge {
  /** e.g. http://127.0.0.1:PORT, the UPSTASH_REDIS_REST_URL for clients. */
  url: string;
  port: number;
  /** Stops the HTTP server (dropping keep-alive sockets) and the Redis connection. */
  close(): Promise<void>;
}

/** The bridge could not start: bad options, Redis unreachable, or the port is taken. */
export class BridgeStartError extends LocalCloudError {
  override readonly name = "BridgeStartError";
}

const REDIS_READY_TIMEOUT_MS = 5_000;

type Endpoint = "single" | "pipeline" | "transaction";
const ENDPOINTS: ReadonlyMap<string, Endpoint> = new Map([
  ["/", "single"],
  ["/pipeline", "pipeline"],
  ["/multi-exec", "transaction"],
]);

interface Context {
  redis: Redis;
  log: (line: string) => void;
  redisUrl: string;
  token: string;
  maxBodyBytes: number;
  policy: CommandPolicy;
}

interface Reply {
  status: number;
  body: Json;
}

export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  if (!opts.token) throw new BridgeStartError("the bridge needs a non-empty token");
  const log = opts.log ?? (() => {});
  const host = opts.host ?? "127.0.0.1";
  const redis = createRedisConnection(opts.redisUrl);
  const watcher = watchConnection(redis, opts.redisUrl, log);
  const ctx: Context = {
    redis,
    log,
    redisUrl: opts.redisUrl,
    token: opts.token,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    policy: { allowAllCommands: opts.allowAllCommands ?? false },
  };
  const guard = opts.guard ?? LOOPBACK_ONLY;
  // Server-to-server: it sends no CORS header at all, and the guard refuses pages before auth.
  const server = createServer((req, res) => {
    if (!refuseForeign(req, res, guard)) void respond(req, res, ctx);
  });
  try {
    await waitUntilReady(redis, opts.redisReadyTimeoutMs ?? REDIS_READY_TIMEOUT_MS);
    await listen(server, host, opts.port ?? 0);
  } catch (err) {
    watcher.markClosing();
    redis.disconnect();
    throw new BridgeStartError(`the Upstash bridge could not start: ${messageOf(err)}`);
  }
  const port = boundPort(server);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const commands = ctx.policy.allowAllCommands ? "all commands allowed" : "admin commands refused";
  const exposure = isLoopback(host) ? "" : "; WARNING: reachable from other machines";
  log(`upstash bridge listening on ${url} -> ${opts.redisUrl} (${commands}${exposure})`);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      watcher.markClosing();
      closing ??= closeServer(server).then(() => redis.disconnect());
      return closing;
    },
  };
}

/** Logs connection loss and recovery once each (ioredis emits "error" on every retry). */
function watchConnection(redis: Redis, redisUrl: string, log: (line: string) => void) {
  let state: "starting" | "up" | "down" = "starting";
  let closing = false;
  redis.on("error", () => {}); // handled via status checks; an unhandled "error" event would crash
  redis.on("ready", () => {
    if (state === "down") log(`upstash bridge: Redis at ${redisUrl} is back`);
    state = "up";
  });
  redis.on("close", () => {
    if (state === "up" && !closing) {
      log(`upstash bridge: lost Redis at ${redisUrl}; answering 503 and reconnecting`);
    }
    if (state === "up") state = "down";
  });
  return {
    markClosing() {
      closing = true;
    },
  };
}

async function respond(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  let reply: Reply;
  try {
    reply = await handle(req, ctx);
  } catch (err) {
    reply = errorReply(err, ctx);
  }
  sendJson(res, reply.status, reply.body);
}

async function handle(req: IncomingMessage, ctx: Context): Promise<Reply> {
  const endpoint = route(req);
  if (!isAuthorized(req.headers.authorization, ctx.token)) {
    throw new BridgeHttpError(401, UNAUTHORIZED_MESSAGE);
  }
  const body = parseJsonBody(await readBody(req, ctx.maxBodyBytes));
  const base64 = wantsBase64(req.headers["upstash-encoding"]);
  if (endpoint === "single") return single(body, base64, ctx);
  if (endpoint === "pipeline") return pipeline(body, base64, ctx);
  return transaction(body, base64, ctx);
}

function route(req: IncomingMessage): Endpoint {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const endpoint = ENDPOINTS.get(path);
  if (!endpoint) {
    throw new BridgeHttpError(
      404,
      `ERR unknown endpoint ${req.method} ${path}; the local bridge serves POST /, /pipeline and /multi-exec`,
    );
  }
  if (req.method !== "POST") {
    throw new BridgeHttpError(405, `ERR method ${req.method} is not allowed on ${path}; use POST`);
  }
  return endpoint;
}

async function single(body: unknown, base64: boolean, ctx: Context): Promise<Reply> {
  const command = parseCommand(body);
  const refused = refusal(command, ctx.policy);
  if (refused) throw new BridgeHttpError(400, refused);
  const reply = await runCommand(ctx.redis, command);
  // Upstash answers a failed single command with 400, which the client turns into a throw.
  if (reply instanceof Error) return { status: 400, body: { error: reply.message } };
  return { status: 200, body: { result: encodeResult(reply, base64) } };
}

async function pipeline(body: unknown, base64: boolean, ctx: Context): Promise<Reply> {
  const commands = parseCommandBatch(body);
  const refusals = commands.map((command) => refusal(command, ctx.policy));
  const allowed = commands.filter((_, i) => refusals[i] === null);
  const replies = allowed.length > 0 ? await runPipeline(ctx.redis, allowed) : [];
  let next = 0;
  // Pipelines are not atomic, so a refused command fails alone, in its own slot.
  const outcomes = refusals.map((refused) =>
    refused === null ? toOutcome(replies[next++], base64) : { error: refused },
  );
  return { status: 200, body: outcomes };
}

async function transaction(body: unknown, base64: boolean, ctx: Context): Promise<Reply> {
  const commands = parseCommandBatch(body);
  for (const [i, command] of commands.entries()) {
    const refused = refusal(command, ctx.policy);
    // All or nothing: a refused command stops the whole transaction before anything runs.
    if (refused) throw new BridgeHttpError(400, `${refused} (command ${i + 1}; nothing was run)`);
  }
  const replies = await runTransaction(ctx.redis, commands);
  return { status: 200, body: replies.map((reply) => toOutcome(reply, base64)) };
}

function errorReply(err: unknown, ctx: Context): Reply {
  if (err instanceof BridgeHttpError) return { status: err.status, body: { error: err.message } };
  if (err instanceof TransactionAbortedError) return { status: 400, body: { error: err.message } };
  if (err instanceof RedisUnavailableError) {
    const error = `ERR the local Upstash bridge cannot reach Redis at ${ctx.redisUrl}: ${err.message}`;
    return { status: 503, body: { error } };
  }
  // Not a client or Redis problem but a bridge bug: worth a log line despite the per-request cost.
  ctx.log(`upstash bridge: internal error: ${err instanceof Error ? err.stack : String(err)}`);
  return { status: 500, body: { error: `ERR internal bridge error: ${messageOf(err)}` } };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

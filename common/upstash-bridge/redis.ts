/**
 * The bridge's single shared ioredis connection and the three ways it runs commands.
 *
 * Replies are returned raw: Buffers for strings (so binary values round-trip byte for byte),
 * numbers, null and nested arrays, with a Redis error reply represented by its Error object.
 * Failures to reach Redis are thrown as RedisUnavailableError so the HTTP layer can answer 503.
 */
import { Command, Redis, ReplyError } from "ioredis";

/** Redis is down or not answering; the request should fail fast with 503. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

/** A transaction was discarded before running (EXECABORT); nothing in it was executed. */
export class TransactionAbortedError extends Error {
  override readonly name = "TransactionAbortedError";
}

/**
 * A command whose reply skips ioredis's reply transformers: those reshape some replies (HGETALL
 * into an object, ZRANGE WITHSCORES into pairs), while Upstash clients expect Redis's flat arrays.
 */
class RawCommand extends Command {
  constructor(command: readonly string[]) {
    // Lower-case names match ioredis's internal command tables (flags, key positions).
    super((command[0] ?? "").toLowerCase(), command.slice(1));
  }

  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

/**
 * The runtime shape of ioredis pipelines; its typings hide sendCommand on ChainableCommander,
 * but Pipeline (what pipeline() and multi() return) accepts prepared Command objects.
 */
interface CommandBatch {
  sendCommand(command: Command): unknown;
  exec(): Promise<Array<[error: Error | null, reply: unknown]> | null>;
}

const CONNECT_TIMEOUT_MS = 2_000;
/** Upper bound for one command, so a hung (not dead) Redis still fails requests. */
const COMMAND_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 1_000;

export function createRedisConnection(url: string): Redis {
  return new Redis(url, {
    protocol: 2, // the Upstash REST API exposes RESP2-shaped replies
    enableOfflineQueue: false, // while disconnected, reject at once instead of queueing
    maxRetriesPerRequest: 0, // reject in-flight commands as soon as the connection drops
    autoResendUnfulfilledCommands: false, // never replay a write that may already have run
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    disableClientInfo: true, // CLIENT SETINFO only exists from Redis 7.2
    connectionName: "upstash-bridge",
  });
}

/** Resolves once the connection is ready; rejects with the last connection error after timeoutMs. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = "";
    const onError = (err: Error) => {
      lastError = err.message;
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      const reason = lastError ? ` (${lastError})` : "";
      reject(new RedisUnavailableError(`Redis was not ready within ${timeoutMs} ms${reason}`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
    }
    redis.once("ready", onReady);
    redis.on("error", onError);
  });
}

/** Runs one command; resolves with its reply, or its Redis error as an Error value. */
export async function runCommand(redis: Redis, command: readonly string[]): Promise<unknown> {
  assertConnected(redis);
  const raw = new RawCommand(command);
  redis.sendCommand(raw);
  try {
    return await raw.promise;
  } catch (err) {
    return redisErrorOrThrow(err);
  }
}

/** Runs commands in order in one write (not atomic); one reply or Redis Error per command. */
export async function runPipeline(redis: Redis, commands: readonly string[][]): Promise<unknown[]> {
  assertConnected(redis);
  // ioredis's pipeline() is typed without sendCommand; see CommandBatch.
  const batch = redis.pipeline() as unknown as CommandBatch;
  for (const command of commands) batch.sendCommand(new RawCommand(command));
  const results = await batch.exec().catch((err: unknown) => unavailable(err));
  return (results ?? []).map(([error, reply]) => (error ? redisErrorOrThrow(error) : reply));
}

/**
 * Runs commands atomically with MULTI/EXEC. ioredis writes MULTI, the commands and EXEC in one
 * socket write, so nothing else sent on the shared connection can land inside the transaction.
 * A command Redis rejects while queueing discards the whole transaction (TransactionAbortedError);
 * a command that fails while running yields its Error in the result, the others still apply.
 */
export async function runTransaction(
  redis: Redis,
  commands: readonly string[][],
): Promise<unknown[]> {
  assertConnected(redis);
  // ioredis's multi() is typed without sendCommand; see CommandBatch.
  const batch = redis.multi() as unknown as CommandBatch;
  for (const command of commands) batch.sendCommand(new RawCommand(command));
  let results: Awaited<ReturnType<CommandBatch["exec"]>>;
  try {
    results = await batch.exec();
  } catch (err) {
    throw execAbortOrUnavailable(err);
  }
  return (results ?? []).map(([error, reply]) => (error ? redisErrorOrThrow(error) : reply));
}

function assertConnected(redis: Redis): void {
  if (redis.status !== "ready") {
    throw new RedisUnavailableError(`the Redis connection is ${redis.status}`);
  }
}

// ioredis exports ReplyError typed as `any`; it is the class of every Redis error reply.
function isReplyError(err: unknown): err is Error {
  return err instanceof ReplyError;
}

/** Redis error replies are results; anything else means Redis could not be reached. */
function redisErrorOrThrow(err: unknown): Error {
  if (isReplyError(err)) return err;
  return unavailable(err);
}

function unavailable(err: unknown): never {
  throw new RedisUnavailableError(messageOf(err));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function execAbortOrUnavailable(err: unknown): Error {
  if (!isReplyError(err)) return new RedisUnavailableError(messageOf(err));
  // ioredis attaches the queueing errors that caused EXECABORT; name the first, it is the cause.
  const previous: unknown = (err as Error & { previousErrors?: unknown }).previousErrors;
  const cause = Array.isArray(previous) && previous[0] instanceof Error ? previous[0].message : "";
  return new TransactionAbortedError(cause ? `${err.message} First error: ${cause}` : err.message);
}

/**
 * Pure request/response logic of the local Upstash REST bridge (no sockets here).
 *
 * Wire format, as @upstash/redis 1.39 uses it:
 * - `POST /` body `["incrby","hashes",4]` -> `{"result": ...}`; a Redis error is HTTP 400
 *   `{"error":"ERR ..."}` (the client throws "<error>, command was: [...]").
 * - `POST /pipeline` and `POST /multi-exec` bodies are arrays of such commands, answered with
 *   HTTP 200 and one `{"result"}` or `{"error"}` per command (the client throws
 *   "Command N [ name ] failed: <error>" for explicit pipelines, "Command failed: <error>" for
 *   auto-pipelined calls).
 * - With the `Upstash-Encoding: base64` header (the client's default) every string in a result
 *   is base64 of its bytes, at any depth; integers and nulls stay raw. A top-level "OK" is left
 *   as-is, like Upstash does (the client special-cases it; inside arrays it has no such case).
 * - Request-level failures are non-2xx with `{"error": "..."}`; errors are never base64-encoded.
 */

/** Default request-body limit; Upstash's own default max request size is 1 MB too. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One command's answer inside a pipeline or transaction response. */
export type CommandOutcome = { result: Json } | { error: string };

/** A request-level failure, answered with `status` and `{"error": message}`. */
export class BridgeHttpError extends Error {
  override readonly name = "BridgeHttpError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const UNAUTHORIZED_MESSAGE = "Unauthorized";

export { isAuthorized } from "../../functions/shared/auth";

export function wantsBase64(encodingHeader: string | string[] | undefined): boolean {
  return typeof encodingHeader === "string" && encodingHeader.toLowerCase() === "base64";
}

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BridgeHttpError(400, `ERR the request body is not valid JSON: ${reason}`);
  }
}

/**
 * Validates one command: a non-empty array whose first element (the name) is a string and whose
 * arguments are strings, numbers or booleans (the client sends numbers raw). Returns it as strings.
 */
export function parseCommand(value: unknown, where = "the command"): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(`${where} must be a non-empty JSON array like ["set","key","value"]`);
  }
  if (typeof value[0] !== "string" || value[0] === "") {
    throw invalid(`${where} must start with the command name as a string`);
  }
  return value.map((arg: unknown, i) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw invalid(`argument ${i} of ${where} is ${describe(arg)}; use a string or a number`);
  });
}

/** Validates a /pipeline or /multi-exec body: a non-empty array of commands. */
export function parseCommandBatch(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('the body must be a non-empty JSON array of commands like [["get","key"]]');
  }
  return value.map((command: unknown, i) => parseCommand(command, `command ${i + 1}`));
}

function invalid(detail: string): BridgeHttpError {
  return new BridgeHttpError(400, `ERR invalid request: ${detail}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

const OK = Buffer.from("OK");

/**
 * Encodes a RESP2 reply from ioredis (Buffers, numbers, null, nested arrays, and Error objects
 * for failed commands inside EXEC) as the JSON `result` value. RESP3-only types (maps, booleans,
 * big numbers) cannot occur because the bridge talks RESP2.
 */
export function encodeResult(reply: unknown, base64: boolean): Json {
  if (base64 && Buffer.isBuffer(reply) && reply.equals(OK)) return "OK";
  return encodeValue(reply, base64);
}

function encodeValue(value: unknown, base64: boolean): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    return base64 ? Buffer.from(value, "utf8").toString("base64") : value;
  }
  if (Buffer.isBuffer(value)) return base64 ? value.toString("base64") : value.toString("utf8");
  // A nested error (e.g. inside a Lua table reply) has no JSON slot of its own; keep its text.
  if (value instanceof Error) return encodeValue(value.message, base64);
  if (Array.isArray(value)) return value.map((item: unknown) => encodeValue(item, base64));
  throw new TypeError(`cannot encode a Redis reply of type ${describe(value)}`);
}

/** A per-command outcome: Redis error replies become `{error}`, everything else `{result}`. */
export function toOutcome(reply: unknown, base64: boolean): CommandOutcome {
  if (reply instanceof Error) return { error: reply.message };
  return { result: encodeResult(reply, base64) };
}

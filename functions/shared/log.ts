/**
 * Structured logs: one JSON object per line, as CloudWatch and the local cloud both like it.
 * The local cloud reads `source` to prefix the line with the function's name in its colour.
 */
import { type LogLevel, loadLogLevel } from "./config";
import { failureText, summariseFailure } from "./failure";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const threshold = LEVELS[loadLogLevel()];

/**
 * An error as one short field: a failed Redis call says how many commands and why, never the
 * request (failure.ts). The stack is kept only where it adds something: a network or Redis
 * failure's stack is the client's internals and repeats the message.
 */
function errorFields(fields: LogFields | undefined): LogFields | undefined {
  const err = fields?.err;
  if (!(err instanceof Error)) return fields;
  const { name, cause, commands } = summariseFailure(err);
  const whole = cause === err.message && commands === undefined;
  return {
    ...fields,
    err: { name, message: failureText(err), ...(whole && { stack: err.stack }) },
  };
}

export function createLogger(source: string): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const line = JSON.stringify({ level, source, msg, ...errorFields(fields) });
    if (level === "error" || level === "warn") console.error(line);
    else console.log(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}

/**
 * Failures as one short line. The Upstash client puts the whole request in its error message
 * ("<cause>, command was: [[…], …]"): for /json that is 600+ commands with their keys, about
 * 20 KB per failed call. Logs say how many commands failed and why, never which. Pure.
 */

/** Longest cause kept in a log line; longer ones are cut (a log line stays under 300 chars). */
export const MAX_CAUSE_CHARS = 160;
const COMMAND_LIST = ", command was: ";

export interface FailureSummary {
  name: string;
  /** Why it failed, short: the Redis or network error, not the request. */
  cause: string;
  /** How many Redis commands the failed request carried, when it was a Redis call. */
  commands?: number;
}

export function summariseFailure(err: unknown): FailureSummary {
  if (!(err instanceof Error)) return { name: "Error", cause: cut(String(err)) };
  const at = err.message.indexOf(COMMAND_LIST);
  if (at >= 0) {
    return {
      name: err.name,
      cause: cut(err.message.slice(0, at)),
      commands: countCommands(err.message.slice(at + COMMAND_LIST.length)),
    };
  }
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, a reset) is in its cause.
  const cause: unknown = err.cause;
  const why = cause instanceof Error ? ` (${cause.message})` : "";
  return { name: err.name, cause: cut(`${err.message}${why}`) };
}

/** "Redis is unavailable (pipeline of 634 commands)", for a log line's text. */
export function failureText(err: unknown): string {
  const { cause, commands } = summariseFailure(err);
  if (commands === undefined) return cause;
  return `${cause} (${commands === 1 ? "1 command" : `${commands} commands`})`;
}

/** The request is one command (["get","a"]) or a list of them ([["get","a"], …]). */
function countCommands(json: string): number | undefined {
  try {
    const body: unknown = JSON.parse(json);
    if (!Array.isArray(body)) return undefined;
    return Array.isArray(body[0]) ? body.length : 1;
  } catch {
    return undefined;
  }
}

function cut(text: string): string {
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS - 1)}…` : text;
}

/**
 * Errors the local cloud raises on purpose: the user can act on them (a port taken, a program
 * missing, a state folder unusable), so the message is the whole story. The plugin hands them
 * to serverless as its own error class, which it prints without a JavaScript stack, and the
 * process exits 1. Anything else is a bug and keeps its stack.
 */
import { ConfigError } from "../functions/shared/errors";

export class LocalCloudError extends Error {}

/** The serverless error class (`serverless.classes.Error`): printed as the user's mistake. */
export type ServerlessErrorClass = new (message: string, code?: string) => Error;

/**
 * An error raised on purpose becomes serverless' own; any other is returned as it is. A bad
 * setting (ConfigError, from the shared settings helper) is the user's to fix too.
 */
export function forServerless(err: unknown, ServerlessError: ServerlessErrorClass): unknown {
  if (!(err instanceof LocalCloudError || err instanceof ConfigError)) return err;
  return new ServerlessError(err.message, `DOCKERCOINS_${constantCase(err.name)}`);
}

/** `RedisPortTakenError` → `REDIS_PORT_TAKEN_ERROR`, the code serverless shows with --debug. */
function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

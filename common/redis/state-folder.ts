/**
 * The folder where the local cloud's Redis keeps its data (an append-only file, fsync'ed at
 * every write), so that `npm start` after Ctrl-C or a crash continues the counts, the history
 * and the wallet, as a managed Redis would. Checked before Redis starts: a folder that cannot
 * be written, or data that Redis refuses, stops the start with a message that names the folder
 * and the reset command; the data is never thrown away silently.
 */
import { accessSync, constants, mkdirSync, readdirSync, rmSync } from "node:fs";
import { LocalCloudError } from "../errors";
import { RedisServerStartError } from "./server";

/** How the user starts from zero; every message about the state folder names it. */
export const RESET_COMMAND = "npm run reset";
export const FRESH_START_COMMAND = "npm start -- --fresh";

/** The state folder cannot be used, or Redis refused what it holds. */
export class LocalCloudStateError extends LocalCloudError {
  override readonly name = "LocalCloudStateError";
}

/** What the folder held when the local cloud started. */
export type StateOrigin = "empty" | "kept" | "reset";

/** How the messages tell the user to move or reset the data (LocalStack's host mode differs). */
export interface StateHints {
  /** The setting that moves the state folder. */
  setting: string;
  /** How to start from zero. */
  reset: string;
}

export const LOCAL_CLOUD_HINTS: StateHints = {
  setting: "LOCAL_CLOUD_STATE_DIR",
  reset: `${RESET_COMMAND} or ${FRESH_START_COMMAND}`,
};

/**
 * Makes sure `dir` exists and can be written; with `fresh`, empties it first. Says whether it
 * held data from an earlier run.
 */
export function prepareStateFolder(
  dir: string,
  fresh: boolean,
  hints: StateHints = LOCAL_CLOUD_HINTS,
): StateOrigin {
  try {
    if (fresh) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
    // A file in place of the folder, or a folder we cannot list, fails here too.
    const held = readdirSync(dir).length > 0;
    return fresh ? "reset" : held ? "kept" : "empty";
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LocalCloudStateError(
      `cannot keep Redis's data in ${dir} (${why}): make that folder writable, or choose ` +
        `another one with ${hints.setting}, or start from zero (${hints.reset})`,
    );
  }
}

/**
 * Turns "redis-server exited during startup" into what it means for a state folder that holds
 * data: Redis refused it (a damaged append-only file, or one of a newer Redis).
 */
export function explainRefusedData(
  err: unknown,
  dir: string,
  origin: StateOrigin,
  hints: StateHints = LOCAL_CLOUD_HINTS,
): unknown {
  if (!(err instanceof RedisServerStartError) || err.addressInUse || origin !== "kept") return err;
  const said = err.output.filter((line) => / # /.test(line)).map((line) => line.split(" # ")[1]);
  const reason = said.at(-1) ?? err.output.at(-1) ?? "it exited at once";
  return new LocalCloudStateError(
    `redis-server refused the data kept in ${dir}: ${reason}. The data is left as it is: ` +
      `repair it with redis-check-aof --fix, or start from zero (${hints.reset}; deletes it)`,
  );
}

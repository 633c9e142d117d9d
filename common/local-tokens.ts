/**
 * The tokens of the local stages: the Upstash REST token of their Redis (the local cloud's
 * bridge, host mode's bridge, SRH in Docker) and the bearer token of `PUT /workers`.
 *
 * They guard loopback services that any web page the learner has open can send requests to,
 * so none is a value written in the docs or the code: each is 32 random bytes, made at the
 * first start and kept in the state folder beside Redis's data (`tokens.json`, readable by its
 * owner only), so that a restart keeps them as it keeps the counts. An ephemeral state (no
 * state folder) gets new ones at each start, kept in a runtime folder for the commands to read.
 * `npm run scale`, the LocalStack scripts and the tests read them from there by themselves.
 * UPSTASH_REDIS_REST_TOKEN / SRH_TOKEN and SCALE_TOKEN, when set, win (AWS stages need them).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Env } from "../functions/shared/settings";
import { LocalCloudError } from "./errors";

export interface LocalTokens {
  /** Bearer token of the stage's Upstash REST endpoint (UPSTASH_REDIS_REST_TOKEN, SRH_TOKEN). */
  redisRestToken: string;
  /** Bearer token of PUT /workers (SCALE_TOKEN). */
  scaleToken: string;
}

export const TOKENS_FILE = "tokens.json";
const TOKEN_BYTES = 32;

/** A token file that exists but cannot be read as tokens. */
export class LocalTokensError extends LocalCloudError {
  override readonly name = "LocalTokensError";
}

export const newToken = (): string => randomBytes(TOKEN_BYTES).toString("base64url");

function isTokens(value: unknown): value is LocalTokens {
  const t = value as Partial<LocalTokens> | null;
  return (
    typeof t?.redisRestToken === "string" &&
    t.redisRestToken.length >= 16 &&
    typeof t.scaleToken === "string" &&
    t.scaleToken.length >= 16
  );
}

/** The tokens kept in `dir`, or undefined when there are none yet. */
export function readLocalTokens(dir: string): LocalTokens | undefined {
  const file = join(dir, TOKENS_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new LocalTokensError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isTokens(parsed)) {
    throw new LocalTokensError(
      `${file} does not hold the local tokens ({"redisRestToken", "scaleToken"}, 16+ characters each): delete it and start again to make new ones`,
    );
  }
  return { redisRestToken: parsed.redisRestToken, scaleToken: parsed.scaleToken };
}

/**
 * The tokens kept in `dir`, made and kept there first when there are none (or, with `renew`,
 * always: an ephemeral state). `made` says which.
 */
export function keepLocalTokens(
  dir: string,
  options: { renew?: boolean } = {},
): { tokens: LocalTokens; made: boolean } {
  const kept = options.renew ? undefined : readLocalTokens(dir);
  if (kept) return { tokens: kept, made: false };
  const tokens: LocalTokens = { redisRestToken: newToken(), scaleToken: newToken() };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, TOKENS_FILE);
  // Written whole or not at all: a start killed mid-write must not leave half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
  return { tokens, made: true };
}

/** Where a command finds the tokens of a running stage, or says how to get them. */
export function tokensOrExplain(dir: string, running: string): LocalTokens {
  const tokens = readLocalTokens(dir);
  if (tokens) return tokens;
  throw new LocalTokensError(
    `no local tokens in ${join(dir, TOKENS_FILE)}: ${running} makes them at its first start (or set SCALE_TOKEN)`,
  );
}

/** serverless.yml's default state folder (custom.localCloud.stateDir). */
const DEFAULT_STATE_DIR = ".local-cloud";

/**
 * LOCAL_CLOUD_STATE_DIR's value, as the plugin (through serverless.yml) and every command read
 * it: the state folder (default .local-cloud), or undefined for `none`, an ephemeral state
 * (Redis keeps nothing, the tokens are new at each start).
 */
export function parseStateDir(value: string | undefined): string | undefined {
  const folder = value?.trim();
  if (folder === "none") return undefined;
  return folder || DEFAULT_STATE_DIR;
}

/** LOCAL_CLOUD_STATE_DIR of an environment (parseStateDir). */
export function stateDirSetting(env: Env): string | undefined {
  return parseStateDir(env.LOCAL_CLOUD_STATE_DIR);
}

/** Where a state folder setting points: as given when absolute, else relative to the service. */
export function stateFolderPath(serviceDir: string, stateDir: string): string {
  return isAbsolute(stateDir) ? stateDir : join(serviceDir, stateDir);
}

/**
 * Where the local cloud (stage dev) keeps its tokens: its state folder, or for an ephemeral
 * state (undefined) a runtime folder that each start fills anew.
 */
export function localCloudTokensDir(serviceDir: string, stateDir: string | undefined): string {
  if (stateDir === undefined)
    return join(serviceDir, "node_modules", ".cache", "dockercoins-local-cloud");
  return stateFolderPath(serviceDir, stateDir);
}

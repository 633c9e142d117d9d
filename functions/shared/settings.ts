import { ConfigError } from "./errors";

/** The process environment, or a fixture of it in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

interface IntRange {
  default?: number;
  min: number;
  max: number;
}

function present(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? undefined : raw;
}

/** An integer setting within [min, max]; a missing one takes its default, or is an error. */
export function intSetting(env: Env, name: string, range: IntRange): number {
  const raw = present(env, name);
  if (raw === undefined) {
    if (range.default === undefined) throw new ConfigError(`${name} is required (an integer)`);
    return range.default;
  }
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be between ${range.min} and ${range.max}, got ${value}`);
  }
  return value;
}

/** A TCP port setting (1-65535); a missing one takes its default. */
export function portSetting(env: Env, name: string, fallback: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65_535) {
    throw new ConfigError(`${name} must be a TCP port (1-65535), got "${raw}"`);
  }
  return value;
}

/** A number setting above 0 (fractions allowed); a missing one takes its default. */
export function positiveNumberSetting(env: Env, name: string, fallback: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/** One of a fixed list of words; a missing one takes the first. */
export function choiceSetting<const T extends string>(
  env: Env,
  name: string,
  choices: readonly [T, ...T[]],
): T {
  const raw = present(env, name);
  if (raw === undefined) return choices[0];
  const choice = choices.find((c) => c === raw);
  if (choice === undefined) {
    throw new ConfigError(`${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  }
  return choice;
}

/** An http(s) URL setting, returned without a trailing slash. */
export function urlSetting(env: Env, name: string): string {
  const raw = present(env, name);
  if (raw === undefined) throw new ConfigError(`${name} is required (an http or https URL)`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must be an http or https URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, "");
}

/** A non-empty string setting. */
export function stringSetting(env: Env, name: string, fallback?: string): string {
  const raw = present(env, name);
  if (raw !== undefined) return raw;
  if (fallback === undefined) throw new ConfigError(`${name} is required`);
  return fallback;
}

const FUNCTION_PAIR = /^([a-z][a-z0-9]*)=([A-Za-z0-9_-]{1,64})$/;

/** A list of functions, `rng=dockercoins-prod-rng,hasher=…` (CLOUD_FUNCTIONS): key → deployed name. */
export function functionListSetting(env: Env, name: string): { key: string; name: string }[] {
  const pairs = stringSetting(env, name)
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean);
  if (pairs.length === 0) throw new ConfigError(`${name} must list key=function-name pairs`);
  return pairs.map((pair) => {
    const match = FUNCTION_PAIR.exec(pair);
    if (!match) throw new ConfigError(`${name}: "${pair}" is not key=function-name`);
    return { key: match[1] as string, name: match[2] as string };
  });
}

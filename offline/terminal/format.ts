/**
 * Turns every line the local cloud prints into the compose-style "rainbow strip": the name of
 * the function or component that wrote it, padded and coloured, then the text. Pure; the
 * router (router.ts) does the I/O.
 */
import type { StreakMark } from "./streaks";

// Built from a string: an escape character written inside a regex literal trips the linter.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
// Distinct, readable on dark and light terminals; cycled in order of first appearance.
const PALETTE = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];
const PREFIX_WIDTH = 11;

export interface Formatted {
  source: string;
  text: string;
  /** A failure streak's start or end line (functions/shared/failure-streak.ts). */
  streak?: StreakMark;
}

/** Lines serverless-offline prints per request, which the functions' own access logs replace. */
const OFFLINE_NOISE = [
  /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \S+ \(λ: [\w-]+\)$/,
  /^\(λ: [\w-]+\) RequestId: /,
  /^Invoke \(λ: [\w-]+\)$/,
];

function fieldText(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    // Empty lists (a flush that found no coin) say nothing worth a column.
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (key === "err" && typeof value === "object" && value !== null && "message" in value) {
      parts.push(`err="${String((value as { message: unknown }).message)}"`);
    } else {
      parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
  }
  return parts.length > 0 ? `  ${parts.join(" ")}` : "";
}

/** True for serverless-offline's per-request notices (and its blank spacer lines). */
export function isOfflineNoise(text: string): boolean {
  const line = text.trim();
  return line === "" || OFFLINE_NOISE.some((pattern) => pattern.test(line));
}

function streakMark(streak: unknown, instance: unknown): StreakMark | undefined {
  if (typeof streak !== "object" || streak === null) return undefined;
  const { name, phase } = streak as Record<string, unknown>;
  if (typeof name !== "string" || (phase !== "start" && phase !== "end")) return undefined;
  return { name, phase, instance: typeof instance === "string" ? instance : undefined };
}

/** A function's structured log line (functions/shared/log.ts), or undefined if not one. */
function structured(line: string): Formatted | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const { level, source, msg, streak, ...fields } = JSON.parse(line) as Record<string, unknown>;
    if (typeof source !== "string" || typeof msg !== "string") return undefined;
    const tag = level === "error" ? "ERROR " : level === "warn" ? "WARN " : "";
    const formatted: Formatted = { source, text: `${tag}${msg}${fieldText(fields)}` };
    const mark = streakMark(streak, fields.instance);
    return mark ? { ...formatted, streak: mark } : formatted;
  } catch {
    return undefined;
  }
}

/** Classifies one line written to stdout/stderr; undefined means "drop it". */
export function classify(rawLine: string, fallbackSource: string): Formatted | undefined {
  const line = rawLine.replace(ANSI, "").trimEnd();
  if (line.trim() === "") return undefined;
  const fromFunction = structured(line.trim());
  if (fromFunction) return fromFunction;
  if (isOfflineNoise(line)) return undefined;
  return { source: fallbackSource, text: line };
}

export class Palette {
  private readonly colours = new Map<string, number>();
  constructor(private readonly useColour: boolean) {}

  prefix(source: string): string {
    const label = `${source.padEnd(PREFIX_WIDTH)}|`;
    if (!this.useColour) return label;
    let colour = this.colours.get(source);
    if (colour === undefined) {
      colour = PALETTE[this.colours.size % PALETTE.length] ?? 36;
      this.colours.set(source, colour);
    }
    return `\u001b[${colour}m${label}\u001b[0m`;
  }
}

/**
 * The Cloud panel's model: the cloud report (functions/shared/cloud-report.ts) as the page
 * reads it, and the texts of its table and queue line. A figure the stage does not report is
 * shown as "not reported", never as 0; a stage whose API has no report says so once.
 * Pure: unit-tested beside it.
 */
import {
  type CloudReport,
  FIGURES,
  type FigureName,
  type FunctionFigures,
  type QueueFigures,
} from "../../../shared/cloud-report";

export const NOT_REPORTED = "not reported";

/** What the panel shows: a report, or why there is none. */
export type CloudView =
  | { kind: "report"; report: CloudReport }
  | { kind: "unsupported"; reason: string }
  | { kind: "unreachable"; reason: string };

/** HTTP statuses meaning "this API has no cloud report": the stage does not offer one. */
const UNSUPPORTED_STATUSES = new Set([403, 404, 405, 501]);

export function isUnsupportedStatus(status: number): boolean {
  return UNSUPPORTED_STATUSES.has(status);
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

function figures(raw: unknown, reported: Record<FigureName, boolean>): FunctionFigures | null {
  if (!isObject(raw) || typeof raw.key !== "string") return null;
  // A figure the report does not vouch for is dropped, whatever value came with it.
  const figure = (name: FigureName) => (reported[name] ? num(raw[name]) : null);
  return {
    key: raw.key,
    name: typeof raw.name === "string" ? raw.name : raw.key,
    instances: figure("instances"),
    busy: figure("busy"),
    waiting: figure("waiting"),
    concurrencyLimit: figure("concurrencyLimit"),
    invocationsPerSecond: figure("invocationsPerSecond"),
    coldStarts: figure("coldStarts"),
    coldStartsTotal: figure("coldStartsTotal"),
    waits: figure("waits"),
    throttles: figure("throttles"),
    errors: figure("errors"),
    timeouts: figure("timeouts"),
    durationP50Ms: figure("durationP50Ms"),
    durationP95Ms: figure("durationP95Ms"),
    maxMemoryUsedMb: figure("maxMemoryUsedMb"),
    memorySizeMb: figure("memorySizeMb"),
    outOfMemory: figure("outOfMemory"),
  };
}

function queue(raw: unknown, reported: Record<FigureName, boolean>): QueueFigures | null {
  if (!isObject(raw) || typeof raw.name !== "string") return null;
  const dlq = isObject(raw.deadLetter) ? raw.deadLetter : null;
  return {
    name: raw.name,
    visible: reported.visible ? num(raw.visible) : null,
    inFlight: reported.inFlight ? num(raw.inFlight) : null,
    oldestAgeSeconds: reported.oldestAgeSeconds ? num(raw.oldestAgeSeconds) : null,
    deadLetter:
      dlq && typeof dlq.name === "string"
        ? { name: dlq.name, messages: reported.deadLetterMessages ? num(dlq.messages) : null }
        : null,
  };
}

/** Parses GET cloud; throws when the answer is not a cloud report at all. */
export function parseCloudReport(raw: unknown): CloudReport {
  if (!isObject(raw) || !isObject(raw.reported) || !Array.isArray(raw.functions)) {
    throw new Error("the cloud report is not an object with `reported` and `functions`");
  }
  const given = raw.reported;
  const reported = Object.fromEntries(FIGURES.map((f) => [f, given[f] === true])) as Record<
    FigureName,
    boolean
  >;
  const c = isObject(raw.concurrency) ? raw.concurrency : null;
  const byFunction: Record<string, number[]> = {};
  if (c && isObject(c.byFunction)) {
    for (const [key, values] of Object.entries(c.byFunction)) {
      if (Array.isArray(values)) byFunction[key] = values.map((v) => num(v) ?? 0);
    }
  }
  return {
    stage: typeof raw.stage === "string" ? raw.stage : "?",
    source: typeof raw.source === "string" ? raw.source : "",
    now: num(raw.now) ?? 0,
    windowSeconds: num(raw.windowSeconds) ?? 60,
    rateWindowSeconds: num(raw.rateWindowSeconds) ?? 5,
    reported,
    functions: raw.functions.flatMap((f) => figures(f, reported) ?? []),
    concurrency:
      reported.concurrencyHistory && c && num(c.start) !== null
        ? { start: num(c.start) ?? 0, seconds: num(c.seconds) ?? 0, byFunction }
        : null,
    queues: (Array.isArray(raw.queues) ? raw.queues : []).flatMap((q) => queue(q, reported) ?? []),
  };
}

const whole = (n: number) => Math.round(n).toLocaleString("en-US");

/** A count, or "not reported" when the stage does not report it. */
export function formatCount(value: number | null, reported: boolean): string {
  if (!reported) return NOT_REPORTED;
  return value === null ? "–" : whole(value);
}

export function formatDuration(ms: number | null, reported: boolean): string {
  if (!reported) return NOT_REPORTED;
  if (ms === null) return "no calls";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${whole(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "41 of 256 MB" (Lambda's Max Memory Used against memorySize). */
export function formatMemory(f: FunctionFigures, r: Record<FigureName, boolean>): string {
  if (!r.maxMemoryUsedMb) return NOT_REPORTED;
  const used = f.maxMemoryUsedMb == null ? "–" : whole(f.maxMemoryUsedMb);
  return r.memorySizeMb && f.memorySizeMb != null
    ? `${used} of ${whole(f.memorySizeMb)} MB`
    : `${used} MB`;
}

/** Errors, with the out-of-memory kills among them when the stage counts them. */
function errors(f: FunctionFigures, r: Record<FigureName, boolean>): string {
  const count = formatCount(f.errors, r.errors);
  return r.outOfMemory && (f.outOfMemory ?? 0) > 0
    ? `${count} (${whole(f.outOfMemory ?? 0)} out of memory)`
    : count;
}

/** One row of the functions table: a cell per column, in order. */
export interface FunctionRow {
  key: string;
  cells: { text: string; notReported: boolean }[];
  /** Calls waited or were refused by the limit: the bottleneck the workshop points at. */
  limited: boolean;
}

export const COLUMNS = [
  "Function",
  "Instances (busy)",
  "Limit",
  "Calls/s",
  "Cold starts",
  "Waits",
  "Throttles",
  "Errors",
  "Timeouts",
  "p50",
  "p95",
  "Max memory",
] as const;

export function functionRows(report: CloudReport): FunctionRow[] {
  const r = report.reported;
  const cell = (text: string, reported: boolean) => ({ text, notReported: !reported });
  return report.functions.map((f) => {
    const instances =
      r.instances && r.busy
        ? `${formatCount(f.instances, true)} (${formatCount(f.busy, true)})`
        : formatCount(f.instances, r.instances);
    const limit = !r.concurrencyLimit
      ? NOT_REPORTED
      : f.concurrencyLimit === null
        ? "none"
        : whole(f.concurrencyLimit);
    const rate = !r.invocationsPerSecond
      ? NOT_REPORTED
      : f.invocationsPerSecond === null
        ? "–"
        : f.invocationsPerSecond.toFixed(1);
    return {
      key: f.key,
      limited: (f.waits ?? 0) > 0 || (f.throttles ?? 0) > 0,
      cells: [
        cell(f.key, true),
        cell(instances, r.instances),
        cell(limit, r.concurrencyLimit),
        cell(rate, r.invocationsPerSecond),
        cell(formatCount(f.coldStarts, r.coldStarts), r.coldStarts),
        cell(formatCount(f.waits, r.waits), r.waits),
        cell(formatCount(f.throttles, r.throttles), r.throttles),
        cell(errors(f, r), r.errors),
        cell(formatCount(f.timeouts, r.timeouts), r.timeouts),
        cell(formatDuration(f.durationP50Ms, r.durationP50Ms), r.durationP50Ms),
        cell(formatDuration(f.durationP95Ms, r.durationP95Ms), r.durationP95Ms),
        cell(formatMemory(f, r), r.maxMemoryUsedMb),
      ],
    };
  });
}

/** The queue line: "dockercoins-dev-worker-tickets: 3 visible · 7 in flight · …". */
export function queueLine(q: QueueFigures, reported: Record<FigureName, boolean>): string {
  const age = !reported.oldestAgeSeconds
    ? `oldest ${NOT_REPORTED}`
    : q.oldestAgeSeconds === null
      ? "empty"
      : `oldest ${whole(q.oldestAgeSeconds)} s`;
  const dlq =
    q.deadLetter === null
      ? "no DLQ"
      : `DLQ ${formatCount(q.deadLetter.messages, reported.deadLetterMessages)}`;
  return [
    `${formatCount(q.visible, reported.visible)} visible`,
    `${formatCount(q.inFlight, reported.inFlight)} in flight`,
    age,
    dlq,
  ].join(" · ");
}

/** The chart's data: x in epoch seconds, a line per function, and the limits to mark. */
export interface ConcurrencyChart {
  xs: number[];
  lines: { key: string; values: number[] }[];
  limits: { key: string; limit: number }[];
}

export function concurrencyChart(report: CloudReport): ConcurrencyChart | null {
  const c = report.concurrency;
  if (c === null) return null;
  const lines = report.functions
    .filter((f) => c.byFunction[f.key] !== undefined)
    .map((f) => ({ key: f.key, values: c.byFunction[f.key] ?? [] }));
  const length = Math.max(0, ...lines.map((l) => l.values.length));
  const xs = Array.from({ length }, (_, i) => c.start + i);
  const limits = report.reported.concurrencyLimit
    ? report.functions.flatMap((f) =>
        f.concurrencyLimit === null ? [] : [{ key: f.key, limit: f.concurrencyLimit }],
      )
    : [];
  return { xs, lines, limits };
}

/** For screen readers: the canvas says nothing. */
export function describeConcurrency(chart: ConcurrencyChart): string {
  const now = chart.lines.map((l) => `${l.key} ${l.values.at(-1) ?? 0}`).join(", ");
  const limits = chart.limits.map((l) => `${l.key} limited to ${l.limit}`).join(", ");
  return `Concurrent executions per function, last 5 minutes. Now: ${now}.${limits ? ` ${limits}.` : ""}`;
}

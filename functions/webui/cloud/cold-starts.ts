/**
 * Cold starts and memory on AWS, from CloudWatch Logs: Lambda's REPORT line of an invocation
 * carries `Init Duration` only when that invocation started a new execution environment, so
 * counting those lines counts cold starts, and its `Max Memory Used` and `Memory Size` give the
 * largest memory an instance used against its memorySize (one Logs Insights query over the
 * functions' log groups). Pure: the query and the reading of its results; aws-sources.ts runs it.
 *
 * Cost: Logs Insights charges per GB scanned ($0.005 in us-east-1); one minute of this stack's
 * logs is well under 1 MB, and a webui instance asks once per CLOUD_CACHE_MS (10 s).
 */
import type { DeployedFunction, InsightsRow } from "./cloudwatch-queries";

/**
 * Fields Logs Insights discovers in REPORT lines, in bytes for the memory ones (AWS's Lambda
 * operator guide divides them by 1000 twice for MB). `strcontains` gives 1 or 0, so its sum
 * counts the cold starts; every function that ran has a row, with 0 when none was cold.
 */
export const COLD_START_QUERY =
  'filter @type = "REPORT" | stats sum(strcontains(@message, "Init Duration")) as coldStarts, max(@maxMemoryUsed) as maxMemoryUsed, max(@memorySize) as memorySize by @log';

const BYTES_PER_MB = 1_000_000;

/** Lambda's log group of a function (serverless creates it with the function). */
export const logGroupOf = (fn: DeployedFunction) => `/aws/lambda/${fn.name}`;

/** What one function's REPORT lines in the range say. */
export interface ReportLines {
  /** Environments started (a cold start each); 0 when no line said Init Duration. */
  coldStarts: number;
  /** The largest Max Memory Used, and the Memory Size, in MB; null: no REPORT line. */
  maxMemoryUsedMb: number | null;
  memorySizeMb: number | null;
}

/**
 * Each function's row by its log group (`@log` is "<account>:<log group>"; stats emits no row
 * for a group without REPORT lines); a value that is no count is skipped.
 */
export function reportLinesByFunction(
  functions: DeployedFunction[],
  rows: InsightsRow[],
): Record<string, ReportLines> {
  const byGroup = new Map<string, InsightsRow>();
  for (const row of rows) {
    const log = row.find((f) => f.field === "@log")?.value ?? "";
    byGroup.set(log.slice(log.indexOf(":") + 1), row);
  }
  const read = (row: InsightsRow, field: string, unit: number) => {
    const value = Number(row.find((f) => f.field === field)?.value ?? Number.NaN);
    return Number.isInteger(value) && value >= 0 ? Math.round(value / unit) : null;
  };
  return Object.fromEntries(
    functions.map((fn) => {
      const row = byGroup.get(logGroupOf(fn)) ?? [];
      return [
        fn.key,
        {
          coldStarts: read(row, "coldStarts", 1) ?? 0,
          maxMemoryUsedMb: read(row, "maxMemoryUsed", BYTES_PER_MB),
          memorySizeMb: read(row, "memorySize", BYTES_PER_MB),
        },
      ];
    }),
  );
}

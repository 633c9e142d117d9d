/**
 * Cold starts on AWS, from CloudWatch Logs: Lambda's REPORT line of an invocation carries
 * `Init Duration` only when that invocation started a new execution environment, so counting
 * those lines (a Logs Insights query over the functions' log groups) counts cold starts. Pure:
 * the query, its time range and the reading of its results; aws-sources.ts runs it.
 *
 * Cost: Logs Insights charges per GB scanned ($0.005 in us-east-1); one minute of this stack's
 * logs is well under 1 MB, and a webui instance asks once per CLOUD_CACHE_MS (10 s).
 */
import type { DeployedFunction, InsightsRow } from "./cloudwatch-queries";

/** `@initDuration` is the field Logs Insights discovers in a REPORT line's `Init Duration`. */
export const COLD_START_QUERY =
  'filter @type = "REPORT" and ispresent(@initDuration) | stats count(*) as coldStarts by @log';

/** Lambda's log group of a function (serverless creates it with the function). */
export const logGroupOf = (fn: DeployedFunction) => `/aws/lambda/${fn.name}`;

/**
 * Cold starts per function key in the queried range. `@log` is `<account>:<log group>`; a log
 * group without a row had no cold start in the range (stats emits no row for a count of 0).
 */
export function coldStartsByFunction(
  functions: DeployedFunction[],
  rows: InsightsRow[],
): Record<string, number> {
  const byGroup = new Map<string, number>();
  for (const row of rows) {
    const log = row.find((f) => f.field === "@log")?.value ?? "";
    const count = Number(row.find((f) => f.field === "coldStarts")?.value);
    const group = log.slice(log.indexOf(":") + 1);
    if (group && Number.isInteger(count) && count >= 0) byGroup.set(group, count);
  }
  return Object.fromEntries(functions.map((fn) => [fn.key, byGroup.get(logGroupOf(fn)) ?? 0]));
}

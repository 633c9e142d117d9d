/**
 * Which Node ran the deployed functions, from their CloudWatch Logs: host mode's runtime starts
 * each execution environment's logs with `INIT_START Runtime Version: nodejs24.x on host node
 * v24.21.0 (/path/to/node)` (localstack/host/runtime/main.ts), the node the executor chose
 * (localstack/host/src/localstack_host_executor/node.py). `deploy:local` and `smoke:local`
 * print it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions, functionName } from "./stack";

const INIT_START = "INIT_START Runtime Version: ";
const POLL_MS = 1_000;
const HOST_LINE = /^(nodejs(\d+)\.x) on host node v(\d+)\.\S+ \((.+)\)$/;

export interface FunctionsNode {
  /** "nodejs24.x on host node v24.21.0 (/path)", one per distinct line found. */
  lines: string[];
  /** Lines whose node major differs from the runtime's (the executor's logged fallback). */
  mismatched: string[];
}

/**
 * Every INIT_START line in one function's CloudWatch Logs (deployed name), what follows
 * `INIT_START Runtime Version: `; none when it has not run yet (no log group).
 */
export async function initStartLines(
  logs: CloudWatchLogsClient,
  deployedName: string,
): Promise<string[]> {
  const lines: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: `/aws/lambda/${deployedName}`,
          filterPattern: '"INIT_START"',
          nextToken,
        }),
      );
      for (const e of page.events ?? []) {
        const at = e.message?.indexOf(INIT_START) ?? -1;
        if (at >= 0) lines.push((e.message ?? "").slice(at + INIT_START.length).trim());
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    // A function that has not run yet has no log group.
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
  }
  return lines;
}

/** The distinct INIT_START lines of these functions' logs, within `withinMs` for the first. */
export async function functionsNode(
  endpoint: string,
  functions: readonly string[],
  withinMs: number,
): Promise<FunctionsNode> {
  const logs = new CloudWatchLogsClient(clientOptions(endpoint));
  const deadline = Date.now() + withinMs;
  const found = new Set<string>();
  do {
    for (const fn of functions) {
      for (const line of await initStartLines(logs, functionName(fn))) found.add(line);
    }
    if (found.size > 0) break;
    await sleep(POLL_MS);
  } while (Date.now() < deadline);
  const lines = [...found].sort();
  const mismatched = lines.filter((line) => {
    const match = HOST_LINE.exec(line);
    return match !== null && match[2] !== match[3];
  });
  return { lines, mismatched };
}

/** One line for the scripts' output. */
export function describeFunctionsNode(found: FunctionsNode): string {
  if (found.lines.length === 0) return "no INIT_START line in the functions' logs yet";
  const fallback =
    found.mismatched.length > 0
      ? " (not the runtime's major: no such Node was found, see localstack/README.md)"
      : "";
  return `${found.lines.join("; ")}${fallback}`;
}

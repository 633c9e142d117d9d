/**
 * The smoke check of GET /cloud on the deployed `local` stage: the report lists every function
 * with rng's limit of 1 and counts the poison ticket in the DLQ; in host mode the host
 * executor's figures are checked against independent counts: instances = the `node` processes
 * of this LocalStack's functions (read from /proc), and cold starts ≥ the INIT_START lines in
 * their CloudWatch Logs. Each runtime process prints that line with its first invocation's
 * logs, so a process stopped before its first invocation ended (a deploy replacing a worker in
 * mid-turn) is a cold start without one: equal after a fresh deploy, "at least" in general.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { CloudReport } from "../../functions/shared/cloud-report";
import { initStartLines } from "./functions-node";
import { readCloudReport, SmokeCheckError } from "./smoke-checks";
import { clientOptions } from "./stack";

/** Logs reach CloudWatch when an invocation ends; a worker's first turn lasts about 20 s. */
const COUNTS_AGREE_WITHIN_MS = 45_000;
const POLL_MS = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** Live runtime processes of this LocalStack's functions, by function name (host mode). */
export function runtimeProcesses(endpoint: string): Record<string, number> {
  const gateway = new URL(endpoint).host;
  const counts: Record<string, number> = {};
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, "utf8");
    } catch {
      continue; // gone, or not ours to read
    }
    const vars = new Map(
      environ
        .split("\0")
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
    const name = vars.get("AWS_LAMBDA_FUNCTION_NAME");
    // The executor's runtime endpoint names the gateway it belongs to: another LocalStack's
    // functions (a developer's, on another port) are not counted.
    const runtimeEndpoint = vars.get("LOCALSTACK_RUNTIME_ENDPOINT") ?? "";
    if (name === undefined || !runtimeEndpoint.startsWith(`http://${gateway}/`)) continue;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** INIT_START lines in each function's CloudWatch Logs, by function name. */
async function initStarts(endpoint: string, names: readonly string[]) {
  const logs = new CloudWatchLogsClient(clientOptions(endpoint));
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (await initStartLines(logs, name)).length;
  return counts;
}

const describe = (counts: Record<string, number>, report: CloudReport) =>
  report.functions.map((fn) => `${fn.key} ${counts[fn.name] ?? 0}`).join(", ");
const describeColdStarts = (inits: Record<string, number>, report: CloudReport) =>
  report.functions.map((fn) => `${fn.key} ${fn.coldStartsTotal}/${inits[fn.name] ?? 0}`).join(", ");

/** Checks the report; resolves with the line the smoke test prints. */
export async function checkCloudReport(
  api: string,
  endpoint: string,
  mode: "host" | "docker",
): Promise<string> {
  const report = await readCloudReport(api, REQUEST_TIMEOUT_MS);
  const keys = report.functions.map((fn) => fn.key).sort();
  const expected = ["hasher", "rng", "scale", "supervisor", "webui", "worker"];
  if (keys.join() !== expected.join()) {
    throw new SmokeCheckError(`/cloud lists ${keys.join(", ")}, not ${expected.join(", ")}`);
  }
  const rng = report.functions.find((fn) => fn.key === "rng");
  if (rng?.concurrencyLimit !== 1) {
    throw new SmokeCheckError(`/cloud: rng's limit is ${rng?.concurrencyLimit}, not 1`);
  }
  const dlq = report.queues[0]?.deadLetter?.messages ?? 0;
  if (dlq < 1)
    throw new SmokeCheckError(`/cloud: the DLQ holds ${dlq} messages, not the poison ticket`);
  if (mode === "docker") return `GET /cloud lists every function, rng's limit 1, DLQ ${dlq}`;

  const wanted = ["instances", "busy", "coldStartsTotal", "concurrencyHistory", "visible"] as const;
  const missing = wanted.filter((figure) => !report.reported[figure]);
  if (missing.length > 0) throw new SmokeCheckError(`/cloud: not reported: ${missing.join(", ")}`);
  const names = report.functions.map((fn) => fn.name);
  const deadline = Date.now() + COUNTS_AGREE_WITHIN_MS;
  let last = "";
  let acceptable: string | undefined;
  while (Date.now() < deadline) {
    // Processes between two reports that agree: a report is at most a second old.
    const first = await readCloudReport(api, REQUEST_TIMEOUT_MS);
    const processes = runtimeProcesses(endpoint);
    const inits = await initStarts(endpoint, names);
    const now = await readCloudReport(api, REQUEST_TIMEOUT_MS);
    const disagree = now.functions.filter(
      (fn, i) =>
        fn.instances !== (processes[fn.name] ?? 0) ||
        first.functions[i]?.instances !== fn.instances ||
        (fn.coldStartsTotal ?? -1) < (inits[fn.name] ?? 0) ||
        (fn.coldStartsTotal ?? -1) < (fn.instances ?? 0),
    );
    if (disagree.length === 0) {
      acceptable =
        `GET /cloud: instances = node processes (${describe(processes, now)}); cold starts / ` +
        `INIT_START lines (${describeColdStarts(inits, now)}); DLQ ${dlq}`;
      // Equal counts end the wait; a cold start without its line yet (a first invocation still
      // running) may get it within a turn.
      if (now.functions.every((fn) => fn.coldStartsTotal === inits[fn.name])) return acceptable;
    } else {
      acceptable = undefined;
      last = disagree
        .map(
          (fn) =>
            `${fn.key}: ${fn.instances} instances, ${processes[fn.name] ?? 0} processes; ` +
            `${fn.coldStartsTotal} cold starts, ${inits[fn.name]} INIT_START lines`,
        )
        .join("; ");
    }
    await sleep(POLL_MS);
  }
  if (acceptable !== undefined) return acceptable;
  throw new SmokeCheckError(`/cloud disagrees with the independent counts: ${last}`);
}

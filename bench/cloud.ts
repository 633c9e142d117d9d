import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../common/project";
import type { CloudReport, FunctionFigures } from "../functions/shared/cloud-report";
import { eventually, type LocalCloud, startLocalCloud } from "../tests/support/launcher";

/** The scale token the benchmarks start their local clouds with. */
export const BENCH_SCALE_TOKEN = "bench-scale-token-0123456789";

/** The bottleneck-free cloud: every simulated delay 0, rng concurrency 10, quiet logs. */
export const BOTTLENECK_FREE = {
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "0",
  RNG_CONCURRENCY: "10",
  SCALE_TOKEN: BENCH_SCALE_TOKEN,
  LOG_LEVEL: "warn",
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cloud's /json document; a non-200 answer is an error naming its status. */
export async function readJson<T>(cloud: LocalCloud): Promise<T> {
  const res = await fetch(`${cloud.apiUrl}/json`);
  const text = await res.text();
  if (!res.ok) throw new Error(`/json answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** The Cloud panel's report (the dashboard origin's GET /cloud). */
export async function cloudReport(cloud: LocalCloud): Promise<CloudReport> {
  const res = await fetch(`${cloud.dashboardUrl}/cloud`);
  if (!res.ok) throw new Error(`/cloud answered ${res.status}`);
  return (await res.json()) as CloudReport;
}

/** One function's row of the report; an error when the report has none. */
export function functionRow(report: CloudReport, key: string): FunctionFigures {
  const row = report.functions.find((f) => f.key === key);
  if (!row) throw new Error(`no function ${key} in the Cloud report`);
  return row;
}

/** Hashes per second over the last `seconds` complete seconds of /json's series. */
export async function hashRate(cloud: LocalCloud, seconds = 10, decimals = 1): Promise<number> {
  const { series } = await readJson<{ series: { hashes: number[] } }>(cloud);
  const last = series.hashes.slice(-seconds);
  const scale = 10 ** decimals;
  return Math.round((last.reduce((a, b) => a + b, 0) / Math.max(1, last.length)) * scale) / scale;
}

/** A local cloud started with `env` (as `npm start` with those variables), stopped after `run`. */
export async function withCloud<T>(
  env: Record<string, string>,
  run: (cloud: LocalCloud) => Promise<T>,
): Promise<T> {
  const cloud = await startLocalCloud(env);
  try {
    return await run(cloud);
  } finally {
    await cloud.stop();
  }
}

/** Writes a result to bench/results/<fileName>; its path. */
export function writeResult(fileName: string, result: unknown): string {
  const dir = join(projectRoot, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, fileName);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Sets the replica count and waits until exactly that many are active. */
export async function scaleAndWait(cloud: LocalCloud, replicas: number): Promise<void> {
  const res = await fetch(`${cloud.apiUrl}/workers`, {
    method: "PUT",
    headers: { authorization: `Bearer ${BENCH_SCALE_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ replicas }),
  });
  if (!res.ok) throw new Error(`scale to ${replicas}: ${res.status} ${await res.text()}`);
  await eventually(
    async () =>
      (await readJson<{ workers: { active: number } }>(cloud)).workers.active === replicas
        ? true
        : undefined,
    30_000,
    `${replicas} active replicas`,
  );
}

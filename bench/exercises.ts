/**
 * `node common/run-ts.cjs bench/exercises.ts`: runs the README's five serverless exercises on
 * real local clouds and prints the Cloud panel's figures each one shows (GET /cloud), so the
 * README's numbers can be reproduced. About 8 minutes. Writes bench/results/<date>-exercises.json.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectRoot } from "../common/project";
import type { FunctionFigures } from "../functions/shared/cloud-report";
import { eventually, type LocalCloud } from "../tests/support/launcher";
import {
  BENCH_SCALE_TOKEN,
  cloudReport,
  functionRow,
  hashRate,
  scaleAndWait,
  sleep,
  withCloud as withCloudAs,
  writeResult,
} from "./cloud";

const pick = (f: FunctionFigures) => ({
  instances: f.instances,
  busy: f.busy,
  waiting: f.waiting,
  limit: f.concurrencyLimit,
  callsPerSecond: f.invocationsPerSecond,
  coldStartsLastMinute: f.coldStarts,
  waitsLastMinute: f.waits,
  throttles: f.throttles,
  errors: f.errors,
  timeouts: f.timeouts,
  p50Ms: f.durationP50Ms,
  p95Ms: f.durationP95Ms,
});

/** The exercises scale through the API, with the benchmarks' token. */
const withCloud = <T>(env: Record<string, string>, run: (c: LocalCloud) => Promise<T>) =>
  withCloudAs({ SCALE_TOKEN: BENCH_SCALE_TOKEN, ...env }, run);

/** 1: ten workers, rng limited to one execution at a time. */
const bottleneck = () =>
  withCloud({}, async (cloud) => {
    await scaleAndWait(cloud, 10);
    await sleep(45_000);
    const r = await cloudReport(cloud);
    const rngHistory = r.concurrency?.byFunction.rng?.slice(-45) ?? [];
    return {
      hashesPerSecond: await hashRate(cloud),
      rng: pick(functionRow(r, "rng")),
      rngPeakConcurrencyLast45s: Math.max(...rngHistory),
      hasher: pick(functionRow(r, "hasher")),
      worker: pick(functionRow(r, "worker")),
      queue: r.queues[0],
    };
  });

/** 2 and 3: rng concurrency 10, ten workers; then scale to 0 and wait for the idle time. */
const scaleOutAndToZero = () =>
  withCloud({ RNG_CONCURRENCY: "10" }, async (cloud) => {
    await scaleAndWait(cloud, 10);
    await sleep(30_000);
    const r = await cloudReport(cloud);
    const scaledOut = {
      hashesPerSecond: await hashRate(cloud),
      rng: pick(functionRow(r, "rng")),
      hasher: pick(functionRow(r, "hasher")),
      worker: pick(functionRow(r, "worker")),
    };
    const before = functionRow(r, "rng").coldStartsTotal ?? 0;
    await scaleAndWait(cloud, 0);
    const stoppedAt = Date.now();
    const gone = await eventually(
      async () => {
        const now = await cloudReport(cloud);
        const keys = ["rng", "hasher", "worker"];
        return keys.every((k) => functionRow(now, k).instances === 0) ? now : undefined;
      },
      180_000,
      "rng, hasher and worker instances gone",
    );
    const secondsToZero = Math.round((Date.now() - stoppedAt) / 1000);
    await fetch(`${cloud.apiUrl}/rng/32`);
    await sleep(500); // past the report's 200 ms cache
    const after = await cloudReport(cloud);
    return {
      scaledOut,
      toZero: {
        secondsToZero,
        idle: gone.functions.map((f) => `${f.key} ${f.instances}`).join(", "),
        rngColdStartsTotalBefore: before,
        rngColdStartsTotalAfterOneCall: functionRow(after, "rng").coldStartsTotal,
        rngInstancesAfterOneCall: functionRow(after, "rng").instances,
      },
    };
  });

/** 4: a poison ticket, with a 30 s visibility so that it reaches the DLQ in minutes. */
const poisonTicket = () =>
  withCloud({ WORKER_QUEUE_VISIBILITY_SECONDS: "30" }, async (cloud) => {
    const sentAt = Date.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["common/run-ts.cjs", "scripts/poison.ts"],
      { cwd: projectRoot, env: { ...process.env, SQS_PORT: String(cloud.ports.sqs) } },
    );
    const seen: string[] = [];
    const dead = await eventually(
      async () => {
        const r = await cloudReport(cloud);
        const q = r.queues[0];
        seen.push(`${Math.round((Date.now() - sentAt) / 1000)} s: ${JSON.stringify(q)}`);
        return q?.deadLetter?.messages === 1 ? r : undefined;
      },
      240_000,
      "the poison ticket in the DLQ",
    );
    return {
      said: stdout.trim().split("\n")[0],
      secondsToDlq: Math.round((Date.now() - sentAt) / 1000),
      queue: dead.queues[0],
      samples: seen.filter((_, i) => i % 25 === 0),
    };
  });

/** 5: hasher slower than its own 10 s timeout. */
const timeouts = () =>
  withCloud({ HASHER_DELAY_MS: "11000" }, async (cloud) => {
    await sleep(60_000);
    const r = await cloudReport(cloud);
    return {
      hashesPerSecond: await hashRate(cloud),
      hasher: pick(functionRow(r, "hasher")),
      worker: pick(functionRow(r, "worker")),
    };
  });

const EXERCISES = { bottleneck, scaleOutAndToZero, poisonTicket, timeouts };

/** Every exercise, or those named on the command line (e.g. `timeouts`). */
export async function main(names: string[]): Promise<void> {
  const chosen = names.length > 0 ? names : Object.keys(EXERCISES);
  const result: Record<string, unknown> = { date: new Date().toISOString() };
  for (const name of chosen) {
    const run = EXERCISES[name as keyof typeof EXERCISES];
    if (!run) throw new Error(`no exercise ${name}; one of ${Object.keys(EXERCISES).join(", ")}`);
    result[name] = await run();
  }
  console.log(JSON.stringify(result, null, 2));
  const date = String(result.date).slice(0, 10);
  const suffix = names.length > 0 ? `-${names.join("-")}` : "";
  writeResult(`${date}-exercises${suffix}.json`, result);
}

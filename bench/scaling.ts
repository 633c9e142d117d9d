/**
 * The workshop's scaling lesson, measured: hashes/s at 1, 2, 5 and 10 worker replicas with the
 * original's delays (0.1 s), first with rng's reserved concurrency raised to 10 (linear
 * scaling expected), then at its default of 1 (the single-threaded rng bottleneck: a plateau
 * near 10 h/s, rng's latency far above hasher's). Writes bench/results/scaling-<date>.json.
 *
 * Run: npm run bench:scaling   (about 3 minutes; starts its own local clouds on free ports)
 */
import { scriptSettings } from "../common/command-environment";
import { type LocalCloud, startLocalCloud } from "../tests/support/launcher";
import { BENCH_SCALE_TOKEN, readJson, scaleAndWait, sleep, writeResult } from "./cloud";

const SETTLE_MS = 4_000;
const WINDOW_SECONDS = scriptSettings().benchWindowSeconds;

interface Json {
  workers: { active: number };
  series: { hashes: number[] };
  latency: Record<"rng" | "hasher", { avgMs: number | null; p95Ms: number | null }>;
}

interface Row {
  rngConcurrency: number;
  replicas: number;
  hashesPerSecond: number;
  perReplica: number;
  rngAvgMs: number | null;
  hasherAvgMs: number | null;
  rngP95Ms: number | null;
  hasherP95Ms: number | null;
}

const stats = (cloud: LocalCloud) => readJson<Json>(cloud);

async function measure(cloud: LocalCloud, rngConcurrency: number, replicas: number): Promise<Row> {
  await scaleAndWait(cloud, replicas);
  // Let the new replicas fill a whole window of complete seconds, then read the window.
  await sleep(SETTLE_MS + WINDOW_SECONDS * 1000);
  const json = await stats(cloud);
  const window = json.series.hashes.slice(-WINDOW_SECONDS);
  const hashesPerSecond = window.reduce((a, b) => a + b, 0) / WINDOW_SECONDS;
  const row: Row = {
    rngConcurrency,
    replicas,
    hashesPerSecond: Math.round(hashesPerSecond * 100) / 100,
    perReplica: Math.round((hashesPerSecond / replicas) * 100) / 100,
    rngAvgMs: json.latency.rng.avgMs,
    hasherAvgMs: json.latency.hasher.avgMs,
    rngP95Ms: json.latency.rng.p95Ms,
    hasherP95Ms: json.latency.hasher.p95Ms,
  };
  console.log(JSON.stringify(row));
  return row;
}

async function run(rngConcurrency: number, levels: number[]): Promise<Row[]> {
  const cloud = await startLocalCloud({
    RNG_CONCURRENCY: String(rngConcurrency),
    SCALE_TOKEN: BENCH_SCALE_TOKEN,
  });
  try {
    const rows: Row[] = [];
    for (const replicas of levels) rows.push(await measure(cloud, rngConcurrency, replicas));
    return rows;
  } finally {
    await cloud.stop();
  }
}

export async function main(): Promise<void> {
  const linear = await run(10, [1, 2, 5, 10]);
  // Latency is averaged over the last minute, so the bottleneck run measures 10 replicas alone.
  const bottleneck = await run(1, [10]);
  const base = linear[0]?.hashesPerSecond ?? 0;
  const ten = linear.find((r) => r.replicas === 10);
  const plateau = bottleneck[0];
  const summary = {
    linearity: linear.map((r) => ({
      replicas: r.replicas,
      ratioToLinear: Math.round((r.hashesPerSecond / (base * r.replicas)) * 100) / 100,
    })),
    tenReplicasHashesPerSecond: ten?.hashesPerSecond,
    bottleneckHashesPerSecond: plateau?.hashesPerSecond,
    bottleneckRngOverHasherLatency:
      plateau?.rngAvgMs && plateau.hasherAvgMs
        ? Math.round((plateau.rngAvgMs / plateau.hasherAvgMs) * 10) / 10
        : null,
  };
  const result = {
    date: new Date().toISOString(),
    windowSeconds: WINDOW_SECONDS,
    rows: [...linear, ...bottleneck],
    summary,
  };
  const file = writeResult(`scaling-${result.date.slice(0, 10)}.json`, result);

  console.log("\nrng concurrency | replicas | hashes/s | per replica | rng avg ms | hasher avg ms");
  for (const r of result.rows) {
    console.log(
      `${String(r.rngConcurrency).padStart(15)} | ${String(r.replicas).padStart(8)} | ${r.hashesPerSecond.toFixed(2).padStart(8)} | ${r.perReplica.toFixed(2).padStart(11)} | ${String(r.rngAvgMs).padStart(10)} | ${String(r.hasherAvgMs).padStart(13)}`,
    );
  }
  console.log(`\n${JSON.stringify(summary)}\nwritten to ${file}`);
}

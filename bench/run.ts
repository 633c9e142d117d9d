/**
 * `npm run bench`: how fast the whole flow runs on the local cloud with every simulated delay
 * at 0, measured against the emulator's own floor in the same run (so the ratios stay
 * comparable on a noisy machine). Starts its own local cloud on free ports; writes
 * bench/results/<date>.json and prints a table. `--quick` is the 10-second smoke mode that
 * `npm test` runs so the benchmark cannot rot (its results go to test-results/).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, type LocalCloud, startLocalCloud } from "../offline/launcher";
import { treeUsage } from "../offline/process-stats";
import { projectRoot } from "../offline/project";
import { BENCH_SCALE_TOKEN, readJson, scaleAndWait, sleep } from "./cloud";
import { type LoadResult, type LoadSpec, medianOf } from "./load";

const quick = process.argv.includes("--quick");
/** Measuring window, warm-up, and how many windows make a median. */
const WINDOW_MS = quick ? 500 : 3_000;
const WARM_UP_MS = quick ? 200 : 1_000;
const RUNS = quick ? 1 : 3;
const REPLICA_LEVELS = quick ? [1, 4] : [1, 4, 8];
type Json = { hashes: number; now: number; workers: { active: number } };
const json = (cloud: LocalCloud) => readJson<Json>(cloud);

/** End-to-end hashes/s: the growth of `hashes` over fixed windows, median of RUNS. */
async function hashRate(cloud: LocalCloud, replicas: number): Promise<number> {
  await scaleAndWait(cloud, replicas);
  await sleep(WARM_UP_MS * 2);
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const a = await json(cloud);
    await sleep(WINDOW_MS * 2);
    const b = await json(cloud);
    rates.push((b.hashes - a.hashes) / (b.now - a.now));
  }
  rates.sort((x, y) => x - y);
  return Math.round((rates[Math.floor(rates.length / 2)] ?? 0) * 10) / 10;
}

/** Resident memory of the local cloud: its process and the processes it started (redis-server). */
const cloudRss = (pid: number): number => treeUsage(pid).rssBytes;

function bundleSizes(): Record<string, number> {
  const sizes: Record<string, number> = {};
  const built = join(projectRoot, ".esbuild", ".build", "functions");
  // One bundle per function: functions/<name>/handler.js, supervisor and scale one level down.
  for (const file of readdirSync(built, { recursive: true, encoding: "utf8" })) {
    if (file.endsWith(".js")) sizes[file] = statSync(join(built, file)).size;
  }
  return sizes;
}

export async function main(): Promise<void> {
  const started = Date.now();
  const cloud = await startLocalCloud({
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
    WORKER_DELAY_MS: "0",
    RNG_CONCURRENCY: "10",
    SCALE_TOKEN: BENCH_SCALE_TOKEN,
    LOG_LEVEL: "warn",
  });
  let peakRss = 0;
  const pid = cloud.process.pid ?? 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, cloudRss(pid));
  }, 500);
  try {
    await eventually(
      async () => ((await json(cloud)).hashes > 0 ? true : undefined),
      60_000,
      "a first hash",
    );
    const startupToFirstHashMs = Date.now() - started;
    await scaleAndWait(cloud, 0);

    const body32 = Buffer.alloc(32, 7);
    const endpoints: [string, Omit<LoadSpec, "concurrency" | "durationMs">][] = [
      ["floor (GET /rng banner)", { url: `${cloud.apiUrl}/rng` }],
      ["rng GET /rng/32", { url: `${cloud.apiUrl}/rng/32` }],
      ["hasher POST 32 bytes", { url: `${cloud.apiUrl}/hasher`, method: "POST", body: body32 }],
      ["json via API", { url: `${cloud.apiUrl}/json` }],
      ["json via dashboard", { url: `${cloud.dashboardUrl}/json` }],
    ];
    const latency: Record<string, Record<string, LoadResult>> = {};
    for (const [name, spec] of endpoints) {
      latency[name] = {};
      for (const concurrency of name.startsWith("json") ? [1, 8, 10] : [1, 10]) {
        const result = await medianOf(RUNS, WARM_UP_MS, {
          ...spec,
          concurrency,
          durationMs: WINDOW_MS,
        });
        latency[name][`c${concurrency}`] = result;
        console.log(`${name} c=${concurrency}: ${JSON.stringify(result)}`);
      }
    }

    const hashesPerSecond: Record<string, number> = {};
    for (const replicas of REPLICA_LEVELS) {
      hashesPerSecond[`replicas${replicas}`] = await hashRate(cloud, replicas);
      console.log(
        `hashes/s with ${replicas} replica(s): ${hashesPerSecond[`replicas${replicas}`]}`,
      );
    }

    const floor = latency["floor (GET /rng banner)"]?.c10?.rps ?? Number.NaN;
    const json8 = latency["json via dashboard"]?.c8;
    const four = hashesPerSecond.replicas4 ?? Number.NaN;
    const sizes = bundleSizes();
    const goals = [
      {
        goal: "4 replicas ≥ 60% of floor req/s ÷ 2",
        value: Math.round((four / (floor / 2)) * 100) / 100,
        met: four >= 0.6 * (floor / 2),
      },
      { goal: "/json c=8 ≥ 1500 req/s", value: json8?.rps, met: (json8?.rps ?? 0) >= 1500 },
      {
        goal: "/json c=8 p99 ≤ 30 ms",
        value: json8?.p99Ms,
        met: (json8?.p99Ms ?? Number.POSITIVE_INFINITY) <= 30,
      },
      {
        goal: "startup to first hash ≤ 20 s",
        value: startupToFirstHashMs / 1000,
        met: startupToFirstHashMs <= 20_000,
      },
      ...Object.entries(sizes).map(([file, bytes]) => {
        const limit = /^(rng|hasher)\//.test(file)
          ? 10_240
          : /^webui\//.test(file)
            ? 102_400
            : 153_600;
        return { goal: `${file} ≤ ${limit / 1024} KB`, value: bytes, met: bytes <= limit };
      }),
    ];
    const result = {
      date: new Date().toISOString(),
      mode: quick ? "quick" : "full",
      settings: { windowMs: WINDOW_MS, warmUpMs: WARM_UP_MS, runs: RUNS, delays: 0 },
      startupToFirstHashMs,
      latency,
      hashesPerSecond,
      ratiosToFloor: {
        floorRps: floor,
        ...Object.fromEntries(
          Object.entries(hashesPerSecond).map(([k, v]) => [
            k,
            Math.round((v / (floor / 2)) * 100) / 100,
          ]),
        ),
        jsonDashboardC8: json8 ? Math.round((json8.rps / floor) * 100) / 100 : null,
      },
      bundleBytes: sizes,
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      goals,
    };
    const dir = quick ? join(projectRoot, "test-results") : join(projectRoot, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, quick ? "bench-quick.json" : `${result.date.slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log("\ngoal | value | met");
    for (const g of goals) console.log(`${g.goal} | ${g.value} | ${g.met ? "yes" : "NO"}`);
    console.log(
      `\npeak RSS ${result.peakRssMiB} MiB; startup to first hash ${startupToFirstHashMs} ms; written to ${file}`,
    );
  } finally {
    clearInterval(sampler);
    await cloud.stop();
  }
}

/**
 * `npm run bench`: what the local cloud costs and how fast the whole flow runs, measured
 * against the emulator's own floor in the same run (ratios stay comparable on a noisy,
 * shared machine). Two local clouds on free ports:
 *
 * 1. the workshop's (default settings, one worker): launch to the first counted hash, then the
 *    CPU and memory of mining at 3.3 hashes/s;
 * 2. the bottleneck-free one (every simulated delay 0, rng concurrency 10): mining at 1, 4 and
 *    8 replicas with CPU seconds per 1,000 hashes and memory, interleaved over three rounds;
 *    then the floor (the rng banner, the thinnest call there is) and endpoint latencies; with
 *    `--soak`, ten minutes at 8 replicas sampling memory and live handles.
 *
 * Writes bench/results/<date>.json (or `-soak`) and prints the goals. `--quick` is the smoke
 * mode `npm test` runs, so that the benchmark cannot rot; its results go to test-results/.
 * `--peer <url>` also measures another DockerCoins' /json (the original, say) for a ratio.
 * `--durability` measures only what the durable Redis costs (bench/durability.ts).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../common/project";
import { functionBundleDir } from "../offline/serverless/function-bundles";
import { type LocalCloud, startLocalCloud } from "../tests/support/launcher";
import { BENCH_SCALE_TOKEN, BOTTLENECK_FREE, scaleAndWait, sleep } from "./cloud";
import { durabilityCost } from "./durability";
import { evaluateGoals, printGoals } from "./goals";
import { type LoadResult, type LoadSpec, medianOf } from "./load";
import { firstHash, miningLevels, miningWindow, soak } from "./measure";
import { peerRate } from "./peer";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    soak: { type: "boolean", default: false },
    "soak-minutes": { type: "string", default: "10" },
    peer: { type: "string" },
    durability: { type: "boolean", default: false },
  },
});
const quick = flags.quick ?? false;
const WINDOW_MS = quick ? 500 : 3_000;
const WARM_UP_MS = quick ? 200 : 1_000;
const RUNS = quick ? 1 : 3;
const MINING = quick
  ? { levels: [1, 4], rounds: 1, settleMs: 500, windowMs: 1_500 }
  : { levels: [1, 4, 8], rounds: 3, settleMs: 3_000, windowMs: 10_000 };
const WORKSHOP_WINDOW_MS = quick ? 2_000 : 30_000;

/** The workshop's local cloud: launch time, then what one worker at 3.3 h/s costs. */
async function workshopPace() {
  const spawnedAt = Date.now();
  const cloud = await startLocalCloud({ SCALE_TOKEN: BENCH_SCALE_TOKEN });
  const readyAt = Date.now();
  try {
    const launch = await firstHash(cloud, spawnedAt, readyAt);
    console.log(`launch: ${JSON.stringify(launch)}`);
    await sleep(quick ? 500 : 5_000); // cold starts behind it
    const pace = await miningWindow(cloud, WORKSHOP_WINDOW_MS);
    console.log(`workshop pace, 1 worker: ${JSON.stringify(pace)}`);
    return { launch, pace };
  } finally {
    await cloud.stop();
  }
}

/** The size of every function bundle the cloud built (as a deploy would: same settings). */
function bundleSizes(cloud: LocalCloud): Record<string, number> {
  const dir = functionBundleDir(projectRoot, cloud.process.pid ?? 0);
  const sizes: Record<string, number> = {};
  for (const file of readdirSync(join(dir, "functions"), { recursive: true, encoding: "utf8" })) {
    if (file.endsWith(".js")) sizes[file] = statSync(join(dir, "functions", file)).size;
  }
  return sizes;
}

async function latencies(cloud: LocalCloud) {
  const body32 = Buffer.alloc(32, 7);
  const endpoints: [string, Omit<LoadSpec, "concurrency" | "durationMs">][] = [
    ["floor (GET /rng banner)", { url: `${cloud.apiUrl}/rng` }],
    ["rng GET /rng/32", { url: `${cloud.apiUrl}/rng/32` }],
    ["hasher POST 32 bytes", { url: `${cloud.apiUrl}/hasher`, method: "POST", body: body32 }],
    ["json via API", { url: `${cloud.apiUrl}/json` }],
    ["json via dashboard", { url: `${cloud.dashboardUrl}/json` }],
    ["cloud report via dashboard", { url: `${cloud.dashboardUrl}/cloud` }],
  ];
  const latency: Record<string, Record<string, LoadResult>> = {};
  for (const [name, spec] of endpoints) {
    latency[name] = {};
    const levels = name.startsWith("json")
      ? [1, 8, 10]
      : name.startsWith("cloud")
        ? [1, 8]
        : [1, 10];
    for (const concurrency of levels) {
      const result = await medianOf(RUNS, WARM_UP_MS, {
        ...spec,
        concurrency,
        durationMs: WINDOW_MS,
      });
      latency[name][`c${concurrency}`] = result;
      console.log(`${name} c=${concurrency}: ${JSON.stringify(result)}`);
    }
  }
  return latency;
}

/** `--durability`: only the cost of the durable Redis (bench/durability.ts), about 2 minutes. */
async function durabilityOnly(): Promise<void> {
  const cost = await durabilityCost(
    quick
      ? { replicas: 4, rounds: 2, settleMs: 500, windowMs: 1_500 }
      : { replicas: 4, rounds: 4, settleMs: 3_000, windowMs: 10_000 },
  );
  const result = { date: new Date().toISOString(), mode: quick ? "quick" : "durability", cost };
  const dir = quick ? join(projectRoot, "test-results") : join(projectRoot, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    quick ? "bench-durability-quick.json" : `${result.date.slice(0, 10)}-durability.json`,
  );
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `durable ${cost.hashesPerSecond.durable} hashes/s vs ephemeral ${cost.hashesPerSecond.ephemeral} at ${cost.replicas} replicas: ratio ${cost.ratio}\nwritten to ${file}`,
  );
}

export async function main(): Promise<void> {
  if (flags.durability) return durabilityOnly();
  const workshop = await workshopPace();
  const cloud = await startLocalCloud(BOTTLENECK_FREE);
  try {
    // Mining first, on a fresh cloud: its memory is what mining costs, not what the latency
    // runs' bursts of /json left in the heap.
    const mining = await miningLevels(
      cloud,
      MINING.levels,
      MINING.rounds,
      MINING.settleMs,
      MINING.windowMs,
    );
    await scaleAndWait(cloud, 0);
    const latency = await latencies(cloud);
    const peer = flags.peer ? await peerRate(flags.peer, MINING.windowMs) : undefined;
    const soakResult = flags.soak
      ? await soak(cloud, {
          replicas: 8,
          minutes: Number(flags["soak-minutes"]),
          sampleMs: 10_000,
          warmUpMs: 60_000,
        })
      : undefined;
    const result = {
      date: new Date().toISOString(),
      mode: quick ? "quick" : flags.soak ? "soak" : "full",
      settings: { windowMs: WINDOW_MS, warmUpMs: WARM_UP_MS, runs: RUNS, mining: MINING },
      launch: workshop.launch,
      workshopPace: workshop.pace,
      latency,
      mining,
      ...(peer && { peer }),
      ...(soakResult && { soak: soakResult }),
      bundleBytes: bundleSizes(cloud),
    };
    const goals = evaluateGoals(result);
    const dir = quick ? join(projectRoot, "test-results") : join(projectRoot, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const suffix = flags.soak ? "-soak" : "";
    const file = join(
      dir,
      quick ? "bench-quick.json" : `${result.date.slice(0, 10)}${suffix}.json`,
    );
    writeFileSync(file, `${JSON.stringify({ ...result, goals }, null, 2)}\n`);
    printGoals(goals);
    console.log(`\nwritten to ${file}`);
  } finally {
    await cloud.stop();
  }
}

/**
 * The targets `npm run bench` checks, each with the figure it read. Pure, so that what counts
 * as met is unit-tested (goals.test.ts). The yardsticks are the original DockerCoins, run
 * natively on this 2-core machine (issue 11's side-by-side table, threaded Flask): use
 * `--peer` to measure it in the same run instead.
 */
import type { LoadResult } from "./load";
import type { MiningWindow } from "./measure";

/** The original's 4 workers with the delays removed: 405 h/s (388–422), same machine. */
export const ORIGINAL_FOUR_WORKERS_HASHES_PER_SECOND = 405;
/** The original's CPU per hash at 4 workers with the delays removed. */
export const ORIGINAL_CPU_MS_PER_HASH = 4.7;

export interface BenchResult {
  launch: { readyMs: number; firstCountedHashMs: number };
  workshopPace: MiningWindow;
  latency: Record<string, Record<string, LoadResult>>;
  mining: Record<string, MiningWindow>;
  peer?: { hashesPerSecond: number };
  soak?: {
    rssGrowthAfterWarmUp: number;
    handleGrowthAfterWarmUp: number;
    messagePortsAtEnd: number;
  };
  bundleBytes: Record<string, number>;
}

export interface Goal {
  goal: string;
  value: number | string | undefined;
  met: boolean;
}

const KiB = 1024;

/** Each function's bundle budget, in bytes: the goal here, and the packaging test's limit. */
export const BUNDLE_LIMITS: Record<string, number> = {
  rng: 10 * KiB,
  hasher: 10 * KiB,
  // @upstash/redis is 80 KiB of it. 102,347 bytes before issue 24 put each function's memory
  // (Lambda's Max Memory Used, from the REPORT lines already queried for cold starts) into the
  // AWS Cloud panel: +438 bytes.
  webui: 101 * KiB,
  worker: 150 * KiB,
  supervisor: 150 * KiB,
  scale: 150 * KiB,
};

/** The budget of a bundle file (`<function>/…`); a function without its own gets 150 KiB. */
function bundleLimit(file: string): number {
  return BUNDLE_LIMITS[file.split("/")[0] ?? ""] ?? 150 * KiB;
}

export function evaluateGoals(result: BenchResult): Goal[] {
  const { mining, workshopPace, launch } = result;
  const [one, four, eight] = [mining.replicas1, mining.replicas4, mining.replicas8];
  const floor = result.latency["floor (GET /rng banner)"]?.c10?.rps ?? Number.NaN;
  const json8 = result.latency["json via dashboard"]?.c8;
  const cloud8 = result.latency["cloud report via dashboard"]?.c8;
  const original = result.peer?.hashesPerSecond ?? ORIGINAL_FOUR_WORKERS_HASHES_PER_SECOND;
  const source = result.peer ? "the peer, same run" : "the original, recorded";
  const goals: Goal[] = [
    {
      goal: `4 replicas, delays 0: ≥ 1.0× the original's 4 workers (${original} h/s, ${source})`,
      value: four && Math.round((four.hashesPerSecond / original) * 100) / 100,
      met: (four?.hashesPerSecond ?? 0) >= original,
    },
    {
      goal: "more replicas never mine less than fewer (1 ≤ 4 ≤ 8)",
      value: [one, four, eight].map((level) => level?.hashesPerSecond ?? "-").join(" / "),
      met:
        (four?.hashesPerSecond ?? 0) >= (one?.hashesPerSecond ?? Number.POSITIVE_INFINITY) &&
        (eight === undefined || eight.hashesPerSecond >= (four?.hashesPerSecond ?? 0)),
    },
    {
      goal: "RSS of the local cloud ≤ 300 MiB at 4 replicas, delays 0",
      value: four?.rssMiB,
      met: (four?.rssMiB ?? Number.POSITIVE_INFINITY) <= 300,
    },
    {
      goal: "RSS ≤ 250 MiB at 1 worker, default delays",
      value: workshopPace.rssMiB,
      met: workshopPace.rssMiB <= 250,
    },
    {
      goal: "CPU ≤ 0.05 cores at the workshop's pace (1 worker, default delays)",
      value: workshopPace.cores,
      met: workshopPace.cores <= 0.05,
    },
    {
      goal: `CPU per hash ≤ ${ORIGINAL_CPU_MS_PER_HASH} ms (the original's), 4 replicas, delays 0`,
      value: four?.cpuMsPerHash,
      met: (four?.cpuMsPerHash ?? Number.POSITIVE_INFINITY) <= ORIGINAL_CPU_MS_PER_HASH,
    },
    {
      goal: "launch to first counted hash ≤ 4 s",
      value: launch.firstCountedHashMs / 1000,
      met: launch.firstCountedHashMs <= 4_000,
    },
    {
      goal: "4 replicas ÷ (floor req/s ÷ 2), informational: 1.0 = as fast as bare calls",
      value: four && Math.round((four.hashesPerSecond / (floor / 2)) * 100) / 100,
      met: true,
    },
    { goal: "/json c=8 ≥ 1500 req/s", value: json8?.rps, met: (json8?.rps ?? 0) >= 1500 },
    {
      goal: "/json c=8 p99 ≤ 30 ms",
      value: json8?.p99Ms,
      met: (json8?.p99Ms ?? Number.POSITIVE_INFINITY) <= 30,
    },
    {
      goal: "cloud report (GET /cloud on the dashboard) c=8 p99 ≤ 30 ms",
      value: cloud8?.p99Ms,
      met: (cloud8?.p99Ms ?? Number.POSITIVE_INFINITY) <= 30,
    },
  ];
  if (result.soak) {
    goals.push(
      {
        goal: "soak: RSS grows < 10 % after warm-up",
        value: result.soak.rssGrowthAfterWarmUp,
        met: result.soak.rssGrowthAfterWarmUp < 0.1,
      },
      {
        goal: "soak: live handles do not grow (< 10 %), no message ports",
        value: `${result.soak.handleGrowthAfterWarmUp}, ports ${result.soak.messagePortsAtEnd}`,
        met: result.soak.handleGrowthAfterWarmUp < 0.1 && result.soak.messagePortsAtEnd === 0,
      },
    );
  }
  for (const [file, bytes] of Object.entries(result.bundleBytes)) {
    const limit = bundleLimit(file);
    goals.push({ goal: `${file} ≤ ${limit / KiB} KB`, value: bytes, met: bytes <= limit });
  }
  return goals;
}

export function printGoals(goals: Goal[]): void {
  console.log("\ngoal | value | met");
  for (const g of goals) console.log(`${g.goal} | ${g.value} | ${g.met ? "yes" : "NO"}`);
}

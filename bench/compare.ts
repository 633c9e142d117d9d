/**
 * `node common/run-ts.cjs bench/compare.ts --baseline <dir>`: what a change costs, this tree
 * against another checkout of the project (its node_modules may be a link to this one's), in
 * the same run, alternating the two so that a noisy moment of a shared machine cannot favour
 * one. Per round and tree:
 *
 * - the workshop's pace (default settings, one worker, 3.3 hashes/s): cores and memory of
 *   the whole local cloud over WORKSHOP_WINDOW_MS;
 * - the bottleneck-free cloud (delays 0, rng concurrency 10) at 4 replicas: hashes/s and memory;
 * - on this tree, GET /cloud on the dashboard origin at 8 concurrent clients while mining.
 *
 * Writes bench/results/<date>-compare.json with the medians.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../common/project";
import { startLocalCloud } from "../tests/support/launcher";
import { BENCH_SCALE_TOKEN, BOTTLENECK_FREE, scaleAndWait, sleep, writeResult } from "./cloud";
import { type LoadResult, load, round } from "./load";
import { type MiningWindow, miningWindow } from "./measure";

const { values: flags } = parseArgs({
  options: {
    baseline: { type: "string" },
    rounds: { type: "string", default: "2" },
  },
});
if (!flags.baseline) {
  console.error("usage: node common/run-ts.cjs bench/compare.ts --baseline <project dir>");
  process.exit(2);
}
const ROUNDS = Number(flags.rounds);
const WORKSHOP_WINDOW_MS = 30_000;
const MINING_WINDOW_MS = 10_000;
const MINING_WINDOWS = 2;
const trees = { baseline: resolve(flags.baseline), change: projectRoot };
type Tree = keyof typeof trees;

async function workshop(dir: string): Promise<MiningWindow> {
  const cloud = await startLocalCloud({ SCALE_TOKEN: BENCH_SCALE_TOKEN }, { serviceDir: dir });
  try {
    await sleep(8_000); // start-up and cold starts behind it
    return await miningWindow(cloud, WORKSHOP_WINDOW_MS);
  } finally {
    await cloud.stop();
  }
}

async function flatOut(dir: string, measureReport: boolean) {
  const cloud = await startLocalCloud(BOTTLENECK_FREE, { serviceDir: dir });
  try {
    await scaleAndWait(cloud, 4);
    await sleep(3_000);
    const windows: MiningWindow[] = [];
    for (let i = 0; i < MINING_WINDOWS; i += 1) {
      windows.push(await miningWindow(cloud, MINING_WINDOW_MS));
    }
    let report: LoadResult | undefined;
    if (measureReport) {
      const url = `${cloud.dashboardUrl}/cloud`;
      await load({ url, concurrency: 8, durationMs: 1_000 });
      report = await load({ url, concurrency: 8, durationMs: 5_000 });
    }
    return { windows, report };
  } finally {
    await cloud.stop();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function main(): Promise<void> {
  const runs: Record<Tree, { workshop: MiningWindow[]; flat: MiningWindow[] }> = {
    baseline: { workshop: [], flat: [] },
    change: { workshop: [], flat: [] },
  };
  const reports: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which tree goes first in each round.
    const order: Tree[] = round % 2 === 0 ? ["baseline", "change"] : ["change", "baseline"];
    for (const tree of order) {
      const pace = await workshop(trees[tree]);
      console.log(`round ${round + 1} ${tree} workshop: ${JSON.stringify(pace)}`);
      runs[tree].workshop.push(pace);
      const flat = await flatOut(trees[tree], tree === "change");
      console.log(`round ${round + 1} ${tree} 4 replicas, delays 0: ${JSON.stringify(flat)}`);
      runs[tree].flat.push(...flat.windows);
      if (flat.report) reports.push(flat.report);
    }
  }
  const summary = (tree: Tree) => ({
    workshopCores: median(runs[tree].workshop.map((w) => w.cores)),
    workshopRssMiB: median(runs[tree].workshop.map((w) => w.rssMiB)),
    hashesPerSecond4Replicas: median(runs[tree].flat.map((w) => w.hashesPerSecond)),
    cpuMsPerHash4Replicas: median(runs[tree].flat.map((w) => w.cpuMsPerHash)),
    rssMiB4Replicas: median(runs[tree].flat.map((w) => w.rssMiB)),
  });
  // Each round's two trees ran minutes apart: their ratio is less exposed to the machine's
  // other tenants than the medians over the whole run.
  const meanRate = (windows: MiningWindow[]) =>
    windows.reduce((sum, w) => sum + w.hashesPerSecond, 0) / Math.max(1, windows.length);
  const pairedRatios = Array.from({ length: ROUNDS }, (_, r) => {
    const of = (tree: Tree) =>
      meanRate(runs[tree].flat.slice(r * MINING_WINDOWS, (r + 1) * MINING_WINDOWS));
    return round(of("change") / of("baseline"), 3);
  });
  const baseline = summary("baseline");
  const change = summary("change");
  const result = {
    date: new Date().toISOString(),
    trees,
    rounds: ROUNDS,
    baseline,
    change,
    pairedRatios,
    medianPairedRatio: median(pairedRatios),
    delta: {
      hashesPerSecond: round(
        change.hashesPerSecond4Replicas / baseline.hashesPerSecond4Replicas - 1,
        3,
      ),
      cores: round(change.workshopCores - baseline.workshopCores, 4),
      rssMiB: change.workshopRssMiB - baseline.workshopRssMiB,
    },
    cloudReportC8: reports,
    runs,
  };
  console.log(
    JSON.stringify({ baseline, change, delta: result.delta, cloudReportC8: reports }, null, 2),
  );
  console.log(`written to ${writeResult(`${result.date.slice(0, 10)}-compare.json`, result)}`);
}

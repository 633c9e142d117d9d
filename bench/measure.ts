/**
 * What `npm run bench` measures on a running local cloud, each as the figure the issue
 * tables name: hashes per second with the CPU and memory they cost, the cost of mining at the
 * workshop's pace, launch to the first counted hash, and a soak. CPU and memory are those of
 * the whole local cloud: its process tree (serverless, redis-server and its watchdog), read
 * from /proc; the benchmark's own process is not counted.
 */

import { treeUsage } from "../common/process-stats";
import { LOCAL_CLOUD_STATS_PATH, type localCloudStats } from "../offline/dashboard/server";
import type { LocalCloud } from "../tests/support/launcher";
import { readJson, scaleAndWait, sleep } from "./cloud";
import { round } from "./load";

type Counters = { hashes: number; now: number };
const counters = (cloud: LocalCloud) => readJson<Counters>(cloud);
const MiB = 1024 * 1024;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export interface MiningWindow {
  hashesPerSecond: number;
  /**
   * CPU milliseconds of the whole local cloud per hash, which is also its CPU seconds per
   * 1,000 hashes (the figure); the original's 4.7 ms is the yardstick.
   */
  cpuMsPerHash: number;
  /** Cores busy on average over the window. */
  cores: number;
  /** Resident memory of the whole local cloud at the end of the window. */
  rssMiB: number;
}

/** Mining over one window: hashes from /json, CPU and memory from /proc. */
export async function miningWindow(cloud: LocalCloud, windowMs: number): Promise<MiningWindow> {
  const pid = cloud.process.pid ?? 0;
  const a = await counters(cloud);
  const usageA = treeUsage(pid);
  await sleep(windowMs);
  const b = await counters(cloud);
  const usageB = treeUsage(pid);
  const seconds = b.now - a.now;
  const hashes = Math.max(1, b.hashes - a.hashes);
  const cpu = usageB.cpuSeconds - usageA.cpuSeconds;
  return {
    hashesPerSecond: round(hashes / seconds, 1),
    cpuMsPerHash: round((cpu / hashes) * 1000, 2),
    cores: round(cpu / seconds, 3),
    rssMiB: Math.round(usageB.rssBytes / MiB),
  };
}

/**
 * Mining at each replica count, interleaved over `rounds` (1, 4, 8, 1, 4, 8, …) so that a
 * noisy moment of a shared machine cannot favour one count; each figure is the median window.
 */
export async function miningLevels(
  cloud: LocalCloud,
  levels: number[],
  rounds: number,
  settleMs: number,
  windowMs: number,
): Promise<Record<string, MiningWindow & { windows: number[] }>> {
  const windows = new Map<number, MiningWindow[]>();
  for (let round = 0; round < rounds; round += 1) {
    for (const replicas of levels) {
      await scaleAndWait(cloud, replicas);
      await sleep(settleMs);
      const window = await miningWindow(cloud, windowMs);
      console.log(`mining, ${replicas} replica(s): ${JSON.stringify(window)}`);
      windows.set(replicas, [...(windows.get(replicas) ?? []), window]);
    }
  }
  const result: Record<string, MiningWindow & { windows: number[] }> = {};
  for (const [replicas, list] of windows) {
    const pick = <K extends keyof MiningWindow>(key: K) => median(list.map((w) => w[key]));
    result[`replicas${replicas}`] = {
      hashesPerSecond: pick("hashesPerSecond"),
      cpuMsPerHash: pick("cpuMsPerHash"),
      cores: pick("cores"),
      rssMiB: pick("rssMiB"),
      windows: list.map((w) => w.hashesPerSecond),
    };
  }
  return result;
}

/** How long a launched cloud took to be ready and to count its first hash (ms since spawn). */
export async function firstHash(cloud: LocalCloud, spawnedAt: number, readyAt: number) {
  for (;;) {
    if ((await counters(cloud).catch(() => ({ hashes: 0 }))).hashes > 0) break;
    await sleep(20);
  }
  return { readyMs: readyAt - spawnedAt, firstCountedHashMs: Date.now() - spawnedAt };
}

type Stats = ReturnType<typeof localCloudStats>;

export interface SoakSample {
  seconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  hashesPerSecond: number;
  /** Live handles of the local cloud's process, by type (TCPWrap, Timeout, MessagePort…). */
  resources: Record<string, number>;
}

/**
 * Mining for `minutes` at `replicas`, sampling memory and live handles every `sampleMs`.
 * Growth compares the mean of the first samples after `warmUpMs` with the mean of the last
 * ones (single samples would measure where each fell in a GC cycle).
 */
export async function soak(
  cloud: LocalCloud,
  options: { replicas: number; minutes: number; sampleMs: number; warmUpMs: number },
) {
  await scaleAndWait(cloud, options.replicas);
  const started = Date.now();
  const samples: SoakSample[] = [];
  let last = await counters(cloud);
  while (Date.now() - started < options.minutes * 60_000) {
    await sleep(options.sampleMs);
    const now = await counters(cloud);
    const stats = (await (
      await fetch(`${cloud.dashboardUrl}${LOCAL_CLOUD_STATS_PATH}`)
    ).json()) as Stats;
    const sample: SoakSample = {
      seconds: Math.round((Date.now() - started) / 1000),
      rssMiB: Math.round(treeUsage(cloud.process.pid ?? 0).rssBytes / MiB),
      heapUsedMiB: Math.round(stats.memory.heapUsed / MiB),
      hashesPerSecond: round((now.hashes - last.hashes) / (now.now - last.now), 1),
      resources: stats.resources,
    };
    last = now;
    samples.push(sample);
    console.log(`soak: ${JSON.stringify(sample)}`);
  }
  const steady = samples.filter((s) => s.seconds * 1000 >= options.warmUpMs);
  const span = Math.max(1, Math.floor(steady.length / 4));
  const mean = (list: SoakSample[], get: (s: SoakSample) => number) =>
    list.reduce((sum, s) => sum + get(s), 0) / Math.max(1, list.length);
  const growth = (get: (s: SoakSample) => number) => {
    const first = mean(steady.slice(0, span), get);
    return first > 0 ? round((mean(steady.slice(-span), get) - first) / first, 3) : 0;
  };
  const handles = (s: SoakSample) => Object.values(s.resources).reduce((a, b) => a + b, 0);
  return {
    replicas: options.replicas,
    minutes: options.minutes,
    warmUpSeconds: options.warmUpMs / 1000,
    rssGrowthAfterWarmUp: growth((s) => s.rssMiB),
    heapGrowthAfterWarmUp: growth((s) => s.heapUsedMiB),
    handleGrowthAfterWarmUp: growth(handles),
    messagePortsAtEnd: samples.at(-1)?.resources.MessagePort ?? 0,
    hashes: last.hashes,
    samples,
  };
}

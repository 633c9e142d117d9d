/**
 * `npm run bench -- --durability`: what keeping Redis's data costs (issue 18). Two local
 * clouds with every simulated delay at 0 and rng concurrency 10, one with the durable Redis
 * (an append-only file fsync'ed at every write, in a state folder of this project's disk) and
 * one ephemeral (LOCAL_CLOUD_STATE_DIR=none, as the local cloud was before), mining in turns
 * at the same replica count (A B B A …), so that a noisy moment of the shared machine cannot
 * favour one. The figure is the ratio of their median hashes/s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../common/project";
import { startLocalCloud } from "../tests/support/launcher";
import { BOTTLENECK_FREE, scaleAndWait, sleep } from "./cloud";
import { round } from "./load";
import { type MiningWindow, miningWindow } from "./measure";

export interface DurabilityCost {
  replicas: number;
  windows: { durable: MiningWindow[]; ephemeral: MiningWindow[] };
  hashesPerSecond: { durable: number; ephemeral: number };
  cpuMsPerHash: { durable: number; ephemeral: number };
  /** Durable hashes/s over ephemeral hashes/s: 1 means durability costs nothing. */
  ratio: number;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function durabilityCost(options: {
  replicas: number;
  rounds: number;
  settleMs: number;
  windowMs: number;
}): Promise<DurabilityCost> {
  // On the project's disk, where .local-cloud/ would be: fsync costs what it costs there.
  const cacheDir = join(projectRoot, "node_modules", ".cache");
  const stateDir = mkdtempSync(join(cacheDir, "dockercoins-bench-state-"));
  const durable = await startLocalCloud(BOTTLENECK_FREE, { stateDir });
  const ephemeral = await startLocalCloud({ ...BOTTLENECK_FREE, LOCAL_CLOUD_STATE_DIR: "none" });
  const clouds = { durable, ephemeral };
  const windows: DurabilityCost["windows"] = { durable: [], ephemeral: [] };
  try {
    for (let r = 0; r < options.rounds; r += 1) {
      const order =
        r % 2 === 0 ? (["ephemeral", "durable"] as const) : (["durable", "ephemeral"] as const);
      for (const name of order) {
        const cloud = clouds[name];
        await scaleAndWait(cloud, options.replicas);
        await sleep(options.settleMs);
        const window = await miningWindow(cloud, options.windowMs);
        console.log(`${name}, ${options.replicas} replicas: ${JSON.stringify(window)}`);
        windows[name].push(window);
        await scaleAndWait(cloud, 0);
      }
    }
  } finally {
    await durable.stop();
    await ephemeral.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const rate = (list: MiningWindow[]) => median(list.map((w) => w.hashesPerSecond));
  const cpu = (list: MiningWindow[]) => median(list.map((w) => w.cpuMsPerHash));
  const hashesPerSecond = { durable: rate(windows.durable), ephemeral: rate(windows.ephemeral) };
  return {
    replicas: options.replicas,
    windows,
    hashesPerSecond,
    cpuMsPerHash: { durable: cpu(windows.durable), ephemeral: cpu(windows.ephemeral) },
    ratio: round(hashesPerSecond.durable / hashesPerSecond.ephemeral, 3),
  };
}

/**
 * `node common/run-ts.cjs bench/break-a-function.ts`: the README's sixth serverless exercise,
 * measured. Each of three ordinary bugs is put into rng (through LOCAL_CLOUD_INJECT_FAULT, the
 * same code a learner would paste as the handler's first line), one worker at the workshop's
 * settings, as `npm start`: what mining, the Cloud panel's rng row, the log strip and the local
 * cloud's memory show over WATCH_MS. About 3 minutes. Writes
 * bench/results/<date>-break-a-function.json.
 */
import { treeUsage } from "../common/process-stats";
import { startLocalCloud } from "../tests/support/launcher";
import { cloudReport, functionRow, readJson, sleep, writeResult } from "./cloud";

const WATCH_MS = 40_000;
const SAMPLE_MS = 10_000;
const BUGS = {
  "process.exit(1) on 10 % of calls": "rng:exit:0.1",
  "a throw in a timer on 5 % of calls": "rng:async-throw:0.05",
  "8 MB of Buffers kept per call": "rng:leak",
};

async function watch(fault: string) {
  const cloud = await startLocalCloud({ LOCAL_CLOUD_INJECT_FAULT: fault });
  try {
    const pid = cloud.process.pid ?? 0;
    const rssMiB: number[] = [];
    const hashes: number[] = [];
    for (let at = 0; at < WATCH_MS; at += SAMPLE_MS) {
      await sleep(SAMPLE_MS);
      rssMiB.push(Math.round(treeUsage(pid).rssBytes / 2 ** 20));
      hashes.push((await readJson<{ hashes: number }>(cloud)).hashes);
    }
    const first = hashes[0] ?? 0;
    const last = hashes.at(-1) ?? 0;
    const strip = cloud.output.filter((line) => /^functions\s*\| rng: /.test(line));
    return {
      fault,
      rssMiBEvery10s: rssMiB,
      hashesEvery10s: hashes,
      hashesPerSecondAfterFirst10s:
        Math.round(((last - first) / ((WATCH_MS - SAMPLE_MS) / 1000)) * 10) / 10,
      rng: functionRow(await cloudReport(cloud), "rng"),
      stripLines: strip.length,
      firstStripLine: strip[0],
    };
  } finally {
    await cloud.stop();
  }
}

export async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const [bug, fault] of Object.entries(BUGS)) {
    results[bug] = await watch(fault);
    console.log(`${bug}: ${JSON.stringify(results[bug])}`);
  }
  const date = new Date().toISOString();
  console.log(
    `written to ${writeResult(`${date.slice(0, 10)}-break-a-function.json`, { date, results })}`,
  );
}

/**
 * Each start begins with the configured worker replicas (WORKER_REPLICAS), as `docker-compose
 * up` starts the compose file's scale: after `npm run scale -- 0` and Ctrl-C, the next start
 * mines at once and its start-up line says that it dropped the kept count. Hashes continue.
 * The whole local cloud, real redis-server, a state folder of this test's own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_SCALE_TOKEN, readJson, scaleAndWait } from "../../bench/cloud";
import { eventually, startLocalCloud } from "../support/launcher";

const stateDir = mkdtempSync(join(tmpdir(), "dockercoins-replicas-at-start-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const SETTINGS = {
  WORKER_REPLICAS: "1",
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "20",
  SCALE_TOKEN: BENCH_SCALE_TOKEN,
};
type Json = { hashes: number; workers: { active: number; desired: number } };

describe("the worker replicas a start begins with", () => {
  it("are the configured ones, even after a run that scaled to 0, and the start line says so", async () => {
    const first = await startLocalCloud(SETTINGS, { stateDir });
    expect(first.output.join("\n")).toMatch(
      /fresh: no hashes or coins yet; workers: 1 \(WORKER_REPLICAS\)/,
    );
    await scaleAndWait(first, 0);
    const stopped = (await readJson<Json>(first)).hashes;
    expect((await first.stop()).code).toBe(0);

    const second = await startLocalCloud(SETTINGS, { stateDir });
    try {
      expect(second.output.join("\n")).toMatch(
        /continuing: [\d,]+ hashes, [\d,]+ coins; workers: 1 \(WORKER_REPLICAS; the last run had scaled to 0\)/,
      );
      await eventually(
        async () => ((await readJson<Json>(second)).hashes > stopped + 20 ? true : undefined),
        30_000,
        "mining to resume with the configured replica",
      );
      expect((await readJson<Json>(second)).workers.desired).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

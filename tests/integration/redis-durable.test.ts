/**
 * The local cloud's Redis keeps its data from one start to the next, as a managed Redis (or
 * the original's Redis container) does: Ctrl-C, start again, and the hashes, the per-second
 * history and the wallet continue; `--fresh` and `npm run reset` start from zero. A state
 * folder it cannot use, or data Redis refuses, stops the start with a message, never a silent
 * fresh start. The whole local cloud, real redis-server, a state folder of this test's own.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main as reset } from "../../scripts/reset";
import { probe } from "../support/http-probe";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-durable-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MINING = {
  WORKER_REPLICAS: "2",
  RNG_CONCURRENCY: "10",
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "20",
};

interface Stats {
  hashes: number;
  coins: number;
  series: { start: number; hashes: number[] };
}

async function stats(cloud: LocalCloud): Promise<Stats> {
  const res = await probe(`${cloud.apiUrl}/json`);
  if (res.status !== 200) throw new Error(`/json answered ${res.status}`);
  return res.json as unknown as Stats;
}

/** Starts, mines until `atLeast` hashes, stops with Ctrl-C; what Redis held at the stop. */
async function mineAndStop(stateDir: string, atLeast: number, args: string[] = []) {
  const cloud = await startLocalCloud(MINING, { stateDir, args });
  await eventually(
    async () => ((await stats(cloud)).hashes >= atLeast ? true : undefined),
    30_000,
    `${atLeast} hashes`,
  );
  const { code } = await cloud.stop();
  expect(code).toBe(0);
  return { output: cloud.output.join("\n"), cloud };
}

/** The numbers the start-up line gives: "continuing: 12,345 hashes, 771 coins". */
function continuing(output: string): { hashes: number; coins: number } | undefined {
  const found = /continuing: ([\d,]+) hashes, ([\d,]+) coins/.exec(output);
  if (!found) return undefined;
  const n = (s: string | undefined) => Number((s ?? "").replaceAll(",", ""));
  return { hashes: n(found[1]), coins: n(found[2]) };
}

describe("the local cloud's Redis keeps its data across starts", () => {
  it("continues hashes, series and wallet after Ctrl-C; --fresh and npm run reset start from zero", async () => {
    const stateDir = join(scratch, "state");
    const first = await mineAndStop(stateDir, 200);
    expect(first.output).toMatch(/dockercoins\s*\| fresh: no hashes or coins yet/);
    expect(readdirSync(join(stateDir, "redis"))).toContain("appendonlydir");

    // Start again: the start-up line says what it continues, and /json shows it.
    const started = Date.now();
    const second = await startLocalCloud(MINING, { stateDir });
    const kept = continuing(second.output.join("\n"));
    expect(kept?.hashes).toBeGreaterThanOrEqual(200);
    const now = await stats(second);
    expect(now.hashes).toBeGreaterThanOrEqual(kept?.hashes ?? Number.POSITIVE_INFINITY);
    expect(now.coins).toBeGreaterThanOrEqual(kept?.coins ?? Number.POSITIVE_INFINITY);
    expect(kept?.coins).toBeGreaterThan(0); // a coin is 1 hash in 16: 200 hashes found some
    // The per-second history from before the stop is still there (the series window is minutes).
    const secondsBeforeRestart = now.series.hashes.filter(
      (n, i) => n > 0 && (now.series.start + i) * 1000 < started - 1_000,
    );
    expect(secondsBeforeRestart.length).toBeGreaterThan(0);
    await eventually(
      async () => ((await stats(second)).hashes > (kept?.hashes ?? 0) + 50 ? true : undefined),
      30_000,
      "mining to go on from the kept count",
    );
    expect((await second.stop()).code).toBe(0);
    console.log(
      `restart continued from ${kept?.hashes} hashes, ${kept?.coins} coins; ${secondsBeforeRestart.length} seconds of history kept`,
    );

    // --fresh: from zero, and the start-up line says so.
    const fresh = await startLocalCloud(MINING, { stateDir, args: ["--fresh"] });
    expect(fresh.output.join("\n")).toMatch(/fresh: no hashes or coins yet/);
    expect(fresh.output.join("\n")).toMatch(/emptied \(--fresh\)/);
    expect((await stats(fresh)).hashes).toBeLessThan(kept?.hashes ?? 0);
    expect((await fresh.stop()).code).toBe(0);

    // npm run reset: deletes the data folder; the next start is fresh.
    await reset([], { LOCAL_CLOUD_STATE_DIR: stateDir, REDIS_PORT: String(fresh.redisPort) });
    expect(readdirSync(stateDir)).not.toContain("redis");
  });

  it("refuses a state folder it cannot write, naming it and the reset command, without a stack", async () => {
    const notAFolder = join(scratch, "a-file");
    writeFileSync(notAFolder, "not a folder");
    const start = startLocalCloud(MINING, { stateDir: notAFolder, readyTimeoutMs: 60_000 });
    const err = await start.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/local cloud exited \(1\)/);
    expect(err?.message).toContain(`cannot keep Redis's data in ${join(notAFolder, "redis")}`);
    expect(err?.message).toMatch(/npm run reset/);
    expect(err?.message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no JavaScript stack
  });

  it("refuses data that Redis rejects (a damaged append-only file) and leaves it as it is", async () => {
    const stateDir = join(scratch, "damaged");
    await mineAndStop(stateDir, 20);
    const aofDir = join(stateDir, "redis", "appendonlydir");
    const incr = readdirSync(aofDir).find((f) => f.endsWith(".incr.aof")) ?? "";
    appendFileSync(join(aofDir, incr), "*2\r\n$3\r\nGET\r\ngarbage\r\n");
    const err = await startLocalCloud(MINING, { stateDir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/local cloud exited \(1\)/);
    expect(err?.message).toContain(
      `redis-server refused the data kept in ${join(stateDir, "redis")}`,
    );
    expect(err?.message).toMatch(/Bad file format reading the append only file/);
    expect(err?.message).toMatch(/npm run reset/);
    expect(err?.message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(readdirSync(aofDir)).toContain(incr); // never a silent fresh start
  });
});

describe("errors the local cloud raises on purpose", () => {
  /** A start that must fail: its output (the launcher's error carries it), exit 1 checked. */
  async function failedStart(env: Record<string, string>): Promise<string> {
    const err = await startLocalCloud({ ...MINING, ...env }, { readyTimeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/local cloud exited \(1\)/);
    return err?.message ?? "";
  }
  const stack = /^\s+at .+:\d+:\d+\)?$/m;

  it("a Redis port held by something else: the holder named, no stack", async () => {
    const holder = createServer(() => {});
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const output = await failedStart({ REDIS_PORT: String(port) });
      expect(output).toMatch(
        new RegExp(`Error:\\s+port ${port} is already in use by pid ${process.pid} `),
      );
      expect(output).not.toMatch(stack);
    } finally {
      holder.close();
    }
  });

  it("redis-server missing: how to install it, no stack", async () => {
    // A PATH with a shell (the watchdog's) and nothing else: no redis-server.
    const bin = join(scratch, "bin-without-redis");
    mkdirSync(bin);
    symlinkSync("/bin/sh", join(bin, "sh"));
    const output = await failedStart({ PATH: bin });
    expect(output).toMatch(/Error:\s+redis-server was not found on PATH; install it with/);
    expect(output).not.toMatch(stack);
  });
});

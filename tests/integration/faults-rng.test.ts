import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, serverErrors } from "../support/http-probe";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";

// rng answers 500 for its first FAULT_MS (the RNG_FAULT_MS fault switch): the worker must pause
// with a backoff (a handful of calls, not one per loop) and resume by itself, counting nothing
// while nothing is hashed.
const FAULT_MS = 8_000;
const MAX_BACKOFF_MS = 5_000; // WORKER_MAX_BACKOFF_MS's default
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    RNG_FAULT_MS: String(FAULT_MS),
    RNG_DELAY_MS: "0",
    HASHER_DELAY_MS: "0",
  });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const rngFailures = () =>
  cloud.output.filter((line) => /^rng\s+\| GET \/rng\/32 500\b/.test(line)).length;
const hashes = async () => (await probe(`${cloud.apiUrl}/json`)).json?.hashes as number;

describe("rng failing for a while (RNG_FAULT_MS)", () => {
  it("answers 500 JSON, the worker backs off, then resumes by itself", async () => {
    const injected = await probe(`${cloud.apiUrl}/rng/32`);
    expect(injected.status).toBe(500);
    expect(injected.json?.error).toMatch(/rng fault injected/);
    // The error says how long the fault lasts: when the window closes, to within milliseconds.
    const remainingMs = Number(/failing for (\d+) ms more/.exec(String(injected.json?.error))?.[1]);
    const windowEndsAt = Date.now() + remainingMs;
    await eventually(
      async () => cloud.output.some((l) => /mining call failed; backing off/.test(l)) || undefined,
      15_000,
      "the worker to back off",
    );
    expect(await hashes()).toBe(0);

    await eventually(
      async () => cloud.output.some((l) => /mining resumed/.test(l)) || undefined,
      FAULT_MS + MAX_BACKOFF_MS + 10_000,
      "mining to resume",
    );
    const resumedAfterMs = Date.now() - windowEndsAt;
    await eventually(async () => ((await hashes()) > 0 ? true : undefined), 5_000, "hashes > 0");
    const failures = rngFailures();
    console.log(
      `rng failed ${failures} times in its ${FAULT_MS} ms fault window (one worker loop every ` +
        `0.1 s would have made ${FAULT_MS / 100}); mining resumed ${resumedAfterMs} ms after ` +
        "the window closed",
    );
    // Backoff: 0.1 s doubling to 5 s, so a few calls in 8 s, not one per 0.1 s loop.
    expect(failures).toBeLessThanOrEqual(15);
    // At most one backoff (≤ 5 s) after the window closes, plus the 0.2 s polling here.
    expect(resumedAfterMs).toBeGreaterThanOrEqual(0);
    expect(resumedAfterMs).toBeLessThan(MAX_BACKOFF_MS + 1_000);
    // The only server errors were the injected ones, and the worker logged its streak once.
    const errors = serverErrors(cloud.output);
    expect(errors.length).toBe(failures);
    expect(errors.every((l) => /^rng\s+\| GET \/rng\/32 500\b/.test(l))).toBe(true);
    const streaks = cloud.output.filter((l) => /mining call failed; backing off/.test(l));
    expect(streaks).toHaveLength(1);
    expect(cloud.output.filter((l) => /^worker\s+\|.*turn failed/.test(l))).toEqual([]);
  });
});

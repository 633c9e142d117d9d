import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "../support/launcher";
import { runLoad } from "../support/load";

// rng at 32 concurrent clients for 30 s, asking for 32 bytes as the worker does, with the
// original's 0.1 s delay and the workshop's "fixed" concurrency of 10 (RNG_CONCURRENCY), so
// calls queue for a free instance as they would for a throttled Lambda. Zero errors allowed;
// the cloud's resident memory may grow less than 20 %.
const CONCURRENCY = 32;
const DURATION_MS = 30_000;
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ RNG_CONCURRENCY: "10" });
});

afterAll(async () => {
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const checkBytes = (res: Response, body: ArrayBuffer): string | undefined => {
  if (res.status !== 200)
    return `HTTP ${res.status}: ${Buffer.from(body).toString().slice(0, 120)}`;
  return body.byteLength === 32 ? undefined : `${body.byteLength} bytes instead of 32`;
};

describe(`rng under load (${CONCURRENCY} concurrent, ${DURATION_MS / 1000} s)`, () => {
  it("answers every request with 32 bytes, with bounded memory", async () => {
    const options = {
      url: `${cloud.apiUrl}/rng/32`,
      concurrency: CONCURRENCY,
      check: checkBytes,
      watch: { cloud: cloud.process.pid ?? 0 },
    };
    const warmup = await runLoad({ ...options, durationMs: 10_000 });
    const report = await runLoad({ ...options, durationMs: DURATION_MS });
    console.log(`rng load: ${JSON.stringify(report)}`);
    expect(warmup.errors).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.errors).toBe(0);
    expect(report.requests).toBeGreaterThan(DURATION_MS / 1000);
    for (const memory of Object.values(report.memory)) expect(memory.growth).toBeLessThan(0.2);
  });
});

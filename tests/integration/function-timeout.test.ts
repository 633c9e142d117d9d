/**
 * serverless-offline's own timeout, forced by a handler that ignores its deadline and never
 * answers (tests/fixtures/timeout-service), for a function with reservedConcurrency 1 and one
 * without: the call fails with 504, its concurrency slot is free at once, its instance is
 * discarded, and the next call runs in a fresh instance, as on Lambda. Under serverless-offline
 * 13's worker-thread runner the instance was terminated and never recreated, so every later
 * call to it waited for the timeout again (its issue #1896).
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PING_TIMEOUT_MS } from "../../offline/serverless/sandbox";
import { useFixtureService } from "../support/fixture-service";

const { cloud, call } = useFixtureService();

describe.each(["gated", "free"])("a %s function whose handler never answers", (fn) => {
  it("times out with 504 after its 1 s timeout, and the next call runs in a fresh instance", async () => {
    const before = await call(`${fn}/ok`);
    expect(before.status).toBe(200);

    const hung = await call(`${fn}/hang`);
    expect(hung.status).toBe(504);
    expect(hung.ms).toBeGreaterThanOrEqual(900);

    // With reservedConcurrency 1 this call would wait forever if the slot were still held.
    const after = await call(`${fn}/ok`);
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(900); // no second wait for a dead instance
    expect(after.body.calls).toBe(1); // module state starts over: a cold start
    expect(after.body.instance).not.toBe(before.body.instance);
  });

  it("keeps serving from the fresh instance, never from the discarded one", async () => {
    const first = await call(`${fn}/ok`);
    const hung = await call(`${fn}/hang`);
    expect(hung.status).toBe(504);
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 5; i += 1) {
      const answer = await call(`${fn}/ok`);
      expect(answer.status).toBe(200);
      seen.add(answer.body.instance);
    }
    expect(seen.has(first.body.instance)).toBe(false);
    expect(seen.size).toBe(1); // one warm instance serves the sequential calls
  });
});

describe("a handler that never yields (a synchronous endless loop)", () => {
  it("times out and costs its own function only: the other function answers throughout", async () => {
    const before = await call("free/ok");
    const spinning = call("gated/spin");
    // While the loop blocks its function's sandbox, the other function answers, warm.
    const during = await call("free/ok");
    expect(during.status).toBe(200);
    expect(during.body.instance).toBe(before.body.instance);
    expect((await spinning).status).toBe(504);
    // The blocked sandbox is found out within a second of the timeout and stopped; calls sent
    // to it meanwhile fail, as calls to a crashed sandbox do.
    await new Promise((resolve) => setTimeout(resolve, SANDBOX_PING_TIMEOUT_MS + 500));
    const gated = await call("gated/ok");
    expect(gated.status).toBe(200);
    expect(gated.body.calls).toBe(1); // the blocked instance was stopped: a fresh one
    const after = await call("free/ok");
    expect(after.body.instance).toBe(before.body.instance);
    expect(after.body.calls).toBe((before.body.calls ?? 0) + 2);
    expect(cloud().output.join("\n")).toMatch(
      /gated: its sandbox ended, and every instance of it \(Runtime.ExitError: .* blocked its sandbox/,
    );
  });
});

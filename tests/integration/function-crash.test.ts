/**
 * A learner's bug costs one instance, as on Lambda (tests/fixtures/timeout-service, whose
 * handler can be told to misbehave): `process.exit`, a throw in a timer, a promise nobody
 * catches and a leak past memorySize each fail their invocation with API Gateway's 502 (its
 * body says nothing more, as API Gateway's "Internal server error") and Lambda's error type in
 * the log strip, the function's next call is cold, and the other function's warm instance and
 * cold-start count do not move.
 */
import { describe, expect, it } from "vitest";
import type { CloudReport, FunctionFigures } from "../../functions/shared/cloud-report";
import { FIXTURE_SERVICE_DIR, useFixtureService } from "../support/fixture-service";
import { startLocalCloud } from "../support/launcher";

const { cloud, call } = useFixtureService();

async function figures(key: string): Promise<FunctionFigures> {
  const res = await fetch(`${cloud().dashboardUrl}/cloud`);
  const report = (await res.json()) as CloudReport;
  const found = report.functions.find((f) => f.key === key);
  if (!found) throw new Error(`no function ${key} in the report`);
  return found;
}

describe("the Cloud panel's memory figures", () => {
  it("show the largest memory an instance used, against the instance's own reading", async () => {
    let own = 0;
    for (let i = 0; i < 5; i += 1)
      own = Math.max(own, (await call("free/ok")).body.memoryUsed ?? 0);
    const free = await figures("free");
    const ownMb = own / 2 ** 20;
    console.log(
      `free: the instance read ${ownMb.toFixed(1)} MB; the panel ${free.maxMemoryUsedMb} MB`,
    );
    expect(free.memorySizeMb).toBe(128);
    // The runner's figure is the instance's peak (heap + external, sampled as each call ends),
    // the handler's the same reading taken a moment earlier: close, never far below.
    expect(free.maxMemoryUsedMb).toBeGreaterThanOrEqual(ownMb * 0.9);
    expect(free.maxMemoryUsedMb).toBeLessThanOrEqual(ownMb + 8);
  });
});

describe.each([
  ["process.exit(1)", "exit", "Runtime.ExitError"],
  ["a throw in a timer", "async-throw", "TypeError"],
  ["a promise nobody catches", "rejection", "Runtime.UnhandledPromiseRejection"],
  ["Buffers kept past memorySize", "leak", "Runtime.OutOfMemory"],
])("%s in one instance", (_what, bug, errorType) => {
  it(`fails with 502 and ${errorType}; only that instance is gone`, async () => {
    const bystander = await call("free/ok");
    const before = await call("gated/ok");
    const bystanderColdStarts = (await figures("free")).coldStartsTotal;

    const failed = await call(`gated/${bug}`);
    expect(failed.status).toBe(502);

    const after = await call("gated/ok");
    expect(after.status).toBe(200);
    expect(after.body.calls).toBe(1); // a cold start: module state starts over
    expect(after.body.instance).not.toBe(before.body.instance);
    const still = await call("free/ok");
    expect(still.body.instance).toBe(bystander.body.instance);
    expect(still.body.calls).toBe((bystander.body.calls ?? 0) + 1);
    expect((await figures("free")).coldStartsTotal).toBe(bystanderColdStarts);
    expect(cloud().output.join("\n")).toMatch(
      new RegExp(`gated: (an instance|its sandbox) ended.* \\(${errorType.replace(".", "\\.")}: `),
    );
  });
});

describe("after the leak", () => {
  it("the panel shows the out-of-memory kill among the errors, and memory near memorySize", async () => {
    const gated = await figures("gated");
    expect(gated.outOfMemory).toBe(1);
    expect(gated.errors).toBeGreaterThanOrEqual(4);
    expect(gated.maxMemoryUsedMb).toBeGreaterThan(120);
    // Killed at the first sample past the cap: within 100 ms of allocation (8 MB per 10 ms here).
    expect(gated.maxMemoryUsedMb).toBeLessThan(128 + 80);
  });
});

describe("LOCAL_CLOUD_INJECT_FAULT, the tests' way to put a bug into a function", () => {
  it("stops the start with a message naming the setting when it names no function", async () => {
    await expect(
      startLocalCloud(
        { LOCAL_CLOUD_INJECT_FAULT: "nope:exit" },
        { serviceDir: FIXTURE_SERVICE_DIR },
      ),
    ).rejects.toThrow(/LOCAL_CLOUD_INJECT_FAULT: "nope:exit" names no function of the service/);
  });
});

describe("the Lambda invoke API", () => {
  it.each([
    ["exit", "Runtime.ExitError"],
    ["rejection", "Runtime.UnhandledPromiseRejection"],
  ])(
    "answers a %s with Lambda's error shape and the function's error type",
    async (action, errorType) => {
      const res = await fetch(
        `http://127.0.0.1:${cloud().ports.lambda}/2015-03-31/functions/timeouts-dev-free/invocations`,
        { method: "POST", body: JSON.stringify({ pathParameters: { action } }) },
      );
      expect(res.status).toBe(200); // as Lambda's Invoke: the failure is in the payload
      expect(res.headers.get("x-amz-function-error")).toBe("Unhandled");
      const body = (await res.json()) as { errorType: string; errorMessage: string };
      expect(body.errorType).toBe(errorType);
      expect(body.errorMessage.length).toBeGreaterThan(0);
    },
  );
});

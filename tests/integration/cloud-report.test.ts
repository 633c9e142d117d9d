import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import type { CloudReport, FunctionFigures } from "../../functions/shared/cloud-report";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import { TICKET_QUEUE } from "../support/sqs";

// The Cloud panel's figures (GET /cloud on the dashboard origin) on the real local cloud,
// checked against what happens and against independent counts: the functions' sandboxes' own
// count of module scopes they created, fauxqs' dead-letter queue. Bounds are for a loaded
// 2-core machine; the figures themselves are exact counts, not timings.
const SCALE_TOKEN = "cloud-report-test-token-0123456789";
const common = { SCALE_TOKEN, WORKER_SLICE_MS: "2000", WORKER_LEASE_TTL_MS: "3000" };

async function report(cloud: LocalCloud): Promise<CloudReport> {
  const res = await fetch(`${cloud.dashboardUrl}/cloud`);
  expect(res.status).toBe(200);
  return (await res.json()) as CloudReport;
}

function fn(r: CloudReport, key: string): FunctionFigures {
  const found = r.functions.find((f) => f.key === key);
  if (!found) throw new Error(`the report has no function ${key}`);
  return found;
}

async function scale(cloud: LocalCloud, replicas: number): Promise<void> {
  const res = await fetch(`${cloud.apiUrl}/workers`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${SCALE_TOKEN}` },
    body: JSON.stringify({ replicas }),
  });
  expect(res.status).toBe(200);
}

/** `npm run poison` (the same command line), against the given SQS settings. */
const poison = (env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ["common/run-ts.cjs", "scripts/poison.ts"], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    timeout: 30_000,
  });

const until = <T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) =>
  eventually(check, timeoutMs, what);

describe("stage dev, rng limited to one concurrent execution (the workshop's bottleneck)", () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({ ...common, RNG_CONCURRENCY: "1" });
  });
  afterAll(async () => {
    if (cloud?.process.exitCode === null) await cloud.stop();
  });

  it("reports every figure, and the ticket queue with its DLQ", async () => {
    const r = await report(cloud);
    expect(r.stage).toBe("dev");
    expect(Object.values(r.reported).every(Boolean)).toBe(true);
    expect(r.functions.map((f) => f.key).sort()).toEqual(
      ["hasher", "rng", "scale", "supervisor", "webui", "worker"].sort(),
    );
    expect(fn(r, "rng").concurrencyLimit).toBe(1);
    expect(fn(r, "hasher").concurrencyLimit).toBeNull();
    expect(r.queues).toEqual([
      expect.objectContaining({
        name: TICKET_QUEUE,
        deadLetter: { name: `${TICKET_QUEUE}-dlq`, messages: 0 },
      }),
    ]);
  });

  it("with 10 workers: rng never has more than 1 instance, and calls wait for it", async () => {
    await scale(cloud, 10);
    const seen = await until("rng calls waiting", 30_000, async () => {
      const r = await report(cloud);
      expect(fn(r, "rng").instances).toBeLessThanOrEqual(1);
      const rng = fn(r, "rng");
      return (rng.waits ?? 0) >= 10 && (rng.waiting ?? 0) > 0 ? r : undefined;
    });
    const rng = fn(seen, "rng");
    console.log(
      `rng: ${rng.instances} instance, ${rng.waits} waits in the last minute, ${rng.invocationsPerSecond} calls/s, p50 ${rng.durationP50Ms} ms; hasher: ${fn(seen, "hasher").instances} instance(s)`,
    );
    expect(Math.max(...(seen.concurrency?.byFunction.rng ?? []))).toBe(1);
    // Ten workers and ten rng calls a second: most of them queue for rng.
    expect(fn(seen, "hasher").instances).toBeLessThanOrEqual(4);
    await scale(cloud, 0);
  });
});

describe("stage dev, rng concurrency 10, short idle time", () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({
      ...common,
      RNG_CONCURRENCY: "10",
      FUNCTION_IDLE_SECONDS: "3",
      WORKER_QUEUE_VISIBILITY_SECONDS: "4",
      WORKER_MAX_RECEIVES: "2",
    });
  });
  afterAll(async () => {
    if (cloud?.process.exitCode === null) await cloud.stop();
  });

  it("with 10 workers, rng and hasher scale out to several instances", async () => {
    await scale(cloud, 10);
    const r = await until("rng and hasher on several instances", 30_000, async () => {
      const now = await report(cloud);
      return (fn(now, "rng").instances ?? 0) >= 3 && (fn(now, "hasher").instances ?? 0) >= 3
        ? now
        : undefined;
    });
    const line = (key: string) => {
      const f = fn(r, key);
      return `${key} ${f.instances} instances (${f.busy} busy), ${f.coldStarts} cold starts, ${f.invocationsPerSecond}/s`;
    };
    console.log(["rng", "hasher", "worker"].map(line).join("; "));
    expect(fn(r, "worker").instances).toBeGreaterThanOrEqual(3);
    expect(fn(r, "rng").waits).toBe(0);
  });

  it("shows as cold starts exactly the module scopes the functions' sandboxes created", async () => {
    await until("the report's cold starts to match the sandboxes' count", 20_000, async () => {
      const r = await report(cloud);
      const stats = (await (await fetch(`${cloud.dashboardUrl}/local-cloud/stats`)).json()) as {
        functionHost: { modulesLoaded: Record<string, number> };
      };
      const mismatch = r.functions.filter(
        (f) => f.coldStartsTotal !== (stats.functionHost.modulesLoaded[f.name] ?? 0),
      );
      return mismatch.length === 0 && (fn(r, "rng").coldStartsTotal ?? 0) >= 3 ? true : undefined;
    });
  });

  it("scaled to 0, instances go idle and disappear after the idle time", async () => {
    await scale(cloud, 0);
    const r = await until("every instance gone", 30_000, async () => {
      const now = await report(cloud);
      return now.functions.every((f) => f.instances === 0) ? now : undefined;
    });
    expect(r.functions.every((f) => f.busy === 0)).toBe(true);
    // The last seconds of the chart show nothing running.
    expect(r.concurrency?.byFunction.rng?.at(-1)).toBe(0);
  });

  it("a poison ticket (npm run poison) is retried, then counted in the DLQ", async () => {
    const sent = await poison({ SQS_PORT: String(cloud.ports.sqs) });
    expect(sent.stdout).toMatch(
      /sent a poison ticket \(message \S+\) to dockercoins-dev-worker-tickets/,
    );
    const r = await until("the poison ticket in the DLQ", 30_000, async () => {
      const now = await report(cloud);
      return now.queues[0]?.deadLetter?.messages === 1 ? now : undefined;
    });
    expect(r.queues[0]).toMatchObject({ visible: 0, inFlight: 0, oldestAgeSeconds: null });
    expect(fn(r, "worker").invocationsPerSecond).not.toBeNull();
  });
});

describe("npm run poison without a local cloud", () => {
  it("fails with a clear message and exit 1", async () => {
    const failed = await poison({ SQS_PORT: "1" }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(
      /poison: ✖ cannot find queue dockercoins-dev-worker-tickets at http:\/\/127\.0\.0\.1:1 .*Is `npm start` running\?/,
    );
  });
});

/**
 * `node common/run-ts.cjs bench/instrumentation.ts`: what the Cloud panel's bookkeeping costs
 * per invocation, measured alone (the end-to-end comparison, bench/compare.ts, is at the mercy
 * of a shared machine's other tenants): the runner's work for one call (a wait and a cold
 * start counted, the instance taken and given back, begin and end with a duration) and one
 * report built for six functions, in CPU nanoseconds.
 */
import { FunctionWindow } from "../offline/cloud/function-window";
import { localCloudReport } from "../offline/cloud/local-report";
import { InstancePool } from "../offline/serverless/instance-pool";

const CALLS = 2_000_000;
const REPORTS = 2_000;

function perCall(): number {
  const window = new FunctionWindow();
  const pool = new InstancePool(60_000, () => {});
  const started = process.cpuUsage();
  for (let i = 0; i < CALLS; i += 1) {
    // As function-runner.ts does for every call (the counts only when they apply: worst case).
    window.count("waits", Date.now());
    const instance = pool.take("rng");
    if (instance.cold || i % 2 === 0) window.count("coldStarts", Date.now());
    window.begin(Date.now());
    const t0 = performance.now();
    window.end(Date.now(), performance.now() - t0 + (i % 200), "ok");
    pool.giveBack("rng", instance.key, performance.now());
  }
  const { user, system } = process.cpuUsage(started);
  return ((user + system) * 1000) / CALLS;
}

function perReport(): number {
  const functions = ["rng", "hasher", "worker", "supervisor", "scale", "webui"].map((key) => {
    const window = new FunctionWindow();
    for (let i = 0; i < 1_000; i += 1) {
      window.begin(Date.now() - i * 10);
      window.end(Date.now() - i * 10, i % 300, "ok");
    }
    return { key, name: key, limit: 1, memorySize: 256, instances: 3, waiting: 0, window };
  });
  const started = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < REPORTS; i += 1) {
    bytes = JSON.stringify(localCloudReport("dev", functions, [], Date.now())).length;
  }
  const { user, system } = process.cpuUsage(started);
  console.log(`report: ${bytes} bytes of JSON`);
  return ((user + system) * 1000) / REPORTS;
}

export function main(): void {
  perCall(); // warm-up: JIT
  const call = perCall();
  const report = perReport();
  console.log(
    JSON.stringify({ nsPerCall: Math.round(call), usPerReport: Math.round(report / 100) / 10 }),
  );
}

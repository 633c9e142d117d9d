/**
 * `npm run smoke:local`: checks the deployed `local` stage from the host, in either mode:
 * rng answers 32 binary bytes through API Gateway, hasher's digest of all 256 byte values
 * equals SHA-256, /json keeps the original's contract, the SQS event source mapping drives
 * the worker at 3.33 hashes/s ± 20 % with one replica and twice that with two, a poison
 * ticket lands in the dead-letter queue, the EventBridge schedule fires the supervisor, and
 * the S3 website serves the dashboard, which shows a live speed in headless Chromium, and
 * GET /cloud's figures (in host mode: against the processes and INIT_START lines). The
 * slow checks (the DLQ, the schedule) run alongside the others. It leaves the replica count
 * as it found it, and exits non-zero at the first failure, naming it.
 */
import {
  localStackSettings,
  localStackTokens,
  scriptSettings,
} from "../../common/command-environment";
import { requestScale } from "../../common/scale-client";
import { describeFunctionsNode, functionsNode } from "./functions-node";
import { runningTarget } from "./mode";
import { say } from "./preflight";
import {
  checkEventSourceMapping,
  checkReservedConcurrency,
  sendPoisonTicket,
  waitForDeadLetter,
  waitForScheduledRun,
} from "./smoke-aws";
import { checkDashboard } from "./smoke-browser";
import { checkHasher, checkRng, checkSite, readStats, SmokeCheckError } from "./smoke-checks";
import { checkCloudReport } from "./smoke-cloud";
import { expectRate, measureRate, ONE_REPLICA_RATE, type RateOptions } from "./smoke-mining";
import { apiUrl, localStackEndpoint, websiteHost, websiteUrl } from "./stack";

/** A first call may start a function (a container in Docker mode). */
const COLD_START_MS = 60_000;
const RATE_TOLERANCE = 0.2;
/** rate(1 minute), plus the time a run takes to reach CloudWatch Logs. */
const SCHEDULE_WITHIN_MS = 75_000;
const SITE_TIMEOUT_MS = 10_000;
/** The INIT_START lines of the functions the checks ran (logs ship asynchronously). */
const NODE_REPORT_WITHIN_MS = 10_000;
const RATE: RateOptions = {
  // Two turns of a replica (WORKER_SLICE_MS): every window holds two hand-overs between tickets.
  // Two rather than one: the shared 2-core machine's hiccups average out over 40 s (one-turn
  // windows read 2.65-3.05 hashes/s for the same stack), while the bound stays the same.
  windowSeconds: 40,
  settleSeconds: 5,
  activeWithinMs: 30_000,
  requestTimeoutMs: COLD_START_MS,
  pollMs: 500,
};

export async function main(): Promise<void> {
  say("checking for a healthy LocalStack");
  const target = await runningTarget(localStackSettings(), localStackEndpoint());
  const { endpoint } = target;
  const api = apiUrl(endpoint);
  say(`LocalStack ${target.version} on ${endpoint} (${target.mode} mode); API ${api}`);
  const startedAt = Date.now();
  const scheduled = waitForScheduledRun(endpoint, startedAt, SCHEDULE_WITHIN_MS);
  scheduled.catch(() => {}); // awaited below; a failure meanwhile must not crash the run
  const poison = await sendPoisonTicket(endpoint);
  say(
    `sent a poison ticket; it should reach the DLQ within ${Math.round((poison.deadlineMs - Date.now()) / 1000)} s`,
  );

  let started = Date.now();
  await checkRng(api, COLD_START_MS);
  say(`✓ rng: GET ${api}/rng/32 answered 32 binary bytes (${Date.now() - started} ms)`);
  started = Date.now();
  await checkHasher(api, COLD_START_MS);
  say(`✓ hasher: the digest of all 256 byte values equals sha256 (${Date.now() - started} ms)`);
  const before = await readStats(api, COLD_START_MS);
  say(
    `✓ /json: {coins: ${before.coins}, hashes: ${before.hashes}, now: ${before.now}} are numbers`,
  );
  await checkEventSourceMapping(endpoint);
  say("✓ the worker's SQS event source mapping is enabled, one ticket per invocation");
  const rngConcurrency = await checkReservedConcurrency(endpoint);
  say(`✓ rng's reserved concurrency is ${rngConcurrency} (1: the workshop's bottleneck)`);

  const { smokeCloudScreenshot } = scriptSettings();
  const { scaleToken } = localStackTokens();
  const one = await measureRate(api, scaleToken, 1, RATE);
  expectRate("one replica", one, ONE_REPLICA_RATE, RATE_TOLERANCE);
  say(
    `✓ one replica mines ${one.hashesPerSecond.toFixed(2)} hashes/s (${ONE_REPLICA_RATE.toFixed(2)} ± 20 %): [${one.seconds.join(" ")}]`,
  );
  const two = await measureRate(api, scaleToken, 2, RATE);
  expectRate("two replicas", two, 2 * one.hashesPerSecond, RATE_TOLERANCE);
  say(
    `✓ scale 2: ${two.hashesPerSecond.toFixed(2)} hashes/s, ${(two.hashesPerSecond / one.hashesPerSecond).toFixed(2)}× one replica`,
  );
  await requestScale(api, scaleToken, before.workers.desired);

  const host = websiteHost(endpoint);
  await checkSite(`${endpoint}/`, {
    hostHeader: host,
    expectApiBase: api,
    timeoutMs: SITE_TIMEOUT_MS,
  });
  say(`✓ site: http://${host}/ answers its page and config.json`);
  const page = await checkDashboard(websiteUrl(endpoint), api, endpoint, {
    instancesReported: target.mode === "host",
    screenshot: smokeCloudScreenshot,
  });
  const polls = `${page.polls} poll${page.polls === 1 ? "" : "s"}`;
  say(`✓ dashboard in headless Chromium: live, ${page.speed} hashes/s, after ${polls} of the API`);
  say(`✓ its Cloud panel: ${page.rngRow}`);

  const node = await functionsNode(endpoint, ["rng", "hasher", "webui"], NODE_REPORT_WITHIN_MS);
  if (node.lines.length > 0) say(`✓ functions ran on: ${describeFunctionsNode(node)}`);
  else if (target.mode === "host") throw new SmokeCheckError(describeFunctionsNode(node));

  const receives = await waitForDeadLetter(endpoint, poison, async () =>
    say(`✓ ${await checkCloudReport(api, endpoint, target.mode)}`),
  );
  say(`✓ the poison ticket reached the DLQ (${receives} receives counted)`);
  const fired = await scheduled;
  say(
    `✓ the EventBridge schedule ran the supervisor ${((fired - startedAt) / 1000).toFixed(0)} s into the smoke test`,
  );
  say(`smoke test passed in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

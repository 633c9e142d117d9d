import { CLOUD_REPORT_PATH } from "../shared/cloud-report";
import { loadWebuiConfig } from "../shared/config";
import { ServiceUnavailableError } from "../shared/errors";
import { FailureStreak } from "../shared/failure-streak";
import { type HttpEvent, httpHandler, json } from "../shared/http";
import { instanceName } from "../shared/instance";
import { keys } from "../shared/keys";
import { createLogger } from "../shared/log";
import { createRedis } from "../shared/redis";
import { parseDesired } from "../shared/replicas/supervision";
import { cachedCloudReport } from "./cloud/cloud-route";
import type { CloudSources } from "./cloud/cloud-sources";
import { latencySummary, type Stats, seriesWindow, toCount } from "./stats";

const config = loadWebuiConfig();
const log = createLogger("webui");
const redis = createRedis(config.redis);
/** A Redis outage: one line when it starts, one when it ends, not one per dashboard poll. */
const redisStreak = new FailureStreak(
  {
    first: (err, fields) =>
      log.warn("Redis unavailable for /json; answering 503 until it is back", { err, ...fields }),
    recovered: (failures, fields) =>
      log.info(`Redis answers /json again after ${failures} failed call(s)`, fields),
  },
  "redis",
  instanceName,
);

/** Latency is summarised over the last minute of the window: recent enough to act on. */
const LATENCY_SECONDS = 60;

async function readStats(nowMs: number): Promise<Stats> {
  const seconds = seriesWindow(nowMs, config.seriesSeconds, config.seriesLagSeconds);
  const recent = seconds.slice(-LATENCY_SECONDS);
  // One round trip: the pipeline goes to Redis as one request, O(window) commands.
  const p = redis.pipeline();
  p.hlen(keys.wallet);
  p.get(keys.hashes);
  p.get(keys.desiredReplicas);
  p.zcount(keys.active, nowMs, "+inf");
  p.lrange(keys.recentCoins, 0, -1);
  p.mget(...seconds.map(keys.hashesAt));
  for (const s of seconds) p.scard(keys.activeAt(s));
  for (const s of recent) p.hgetall(keys.latencyAt("rng", s));
  for (const s of recent) p.hgetall(keys.latencyAt("hasher", s));
  const [coins, hashes, desired, active, recentCoins, buckets, ...rest] = (await p.exec()) as [
    number,
    string | null,
    string | null,
    number,
    string[],
    (string | null)[],
    ...unknown[],
  ];
  const workersPerSecond = rest.slice(0, seconds.length);
  const latency = rest.slice(seconds.length);
  return {
    coins: toCount(coins),
    hashes: toCount(hashes),
    now: nowMs / 1000,
    series: {
      start: seconds[0] ?? 0,
      hashes: buckets.map(toCount),
      workers: workersPerSecond.map(toCount),
    },
    workers: {
      desired: parseDesired(desired, config.defaultReplicas, config.maxReplicas),
      active: toCount(active),
    },
    latency: {
      rng: latencySummary(latency.slice(0, recent.length)),
      hasher: latencySummary(latency.slice(recent.length)),
    },
    recentCoins,
  };
}

/** The last answer of this instance; every poller of the dashboard asks once a second. */
let cached: { at: number; stats: Stats } | undefined;

// The SDK clients load at the first /cloud of a deployed stage: never on stage dev, never for /json.
let sources: Promise<CloudSources> | undefined;
const cloudReport = cachedCloudReport(
  config.cloud,
  () => (sources ??= import("./cloud/aws-sources").then((m) => m.awsSources())),
  (err) => log.warn("cloud report: a platform API failed; answering 503", { err }),
);

const isCloudRequest = (event: HttpEvent) =>
  event.resource === `/${CLOUD_REPORT_PATH}` || event.path.endsWith(`/${CLOUD_REPORT_PATH}`);

/** GET /json: the counters the dashboard polls once a second; GET /cloud: the cloud report. */
export const handler = httpHandler(
  log,
  async (event) => {
    if (isCloudRequest(event)) {
      return json(200, await cloudReport(), { "cache-control": "no-store" });
    }
    const now = Date.now();
    if (!cached || now - cached.at >= config.cacheMs) {
      try {
        cached = { at: now, stats: await readStats(now) };
      } catch (err) {
        redisStreak.failed(err);
        throw new ServiceUnavailableError("Redis is unavailable; retry shortly");
      }
      redisStreak.succeeded();
    }
    return json(200, cached.stats, { "cache-control": "no-store" });
  },
  // Read-only and public, like the original's /json: any origin may read it.
  { "access-control-allow-origin": "*" },
);

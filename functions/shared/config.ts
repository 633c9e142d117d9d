/**
 * Every setting of every function, read and validated in one place: the only module of the
 * functions that reads `process.env`. Each handler module calls its loader once, at load, so a
 * bad setting fails the cold start with a message naming the variable instead of failing some
 * later request. Tests pass an environment of their own. The README's "Settings" table
 * mirrors this.
 */
import { ConfigError } from "./errors";
import {
  choiceSetting,
  type Env,
  functionListSetting,
  intSetting,
  stringSetting,
  urlSetting,
} from "./settings";

const MiB = 1024 * 1024;

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * LOG_LEVEL, read on its own because every module logs, config errors included: a bad value
 * falls back to "info" rather than throwing, so the error that explains it can be logged.
 */
export function loadLogLevel(env: Env = process.env): LogLevel {
  const raw = env.LOG_LEVEL?.trim();
  return LOG_LEVELS.find((level) => level === raw) ?? "info";
}
/** Lambda's 6 MB payload limit, less the base64 inflation (4/3) of a binary body. */
const LAMBDA_BINARY_PAYLOAD_MAX = 4 * MiB;
const ONE_MINUTE_MS = 60_000;

export interface RngConfig {
  /** Simulated delay before answering, as in the original (0.1 s). */
  delayMs: number;
  /** Largest byte count one request may ask for. */
  maxBytes: number;
  /**
   * Fault switch for resilience tests and the workshop (off by default): for this long after
   * an instance starts, every request answers 500, as a broken rng would.
   */
  faultMs: number;
}

export function loadRngConfig(env: Env = process.env): RngConfig {
  return {
    delayMs: intSetting(env, "RNG_DELAY_MS", { default: 100, min: 0, max: ONE_MINUTE_MS }),
    maxBytes: intSetting(env, "RNG_MAX_BYTES", {
      default: MiB,
      min: 0,
      max: LAMBDA_BINARY_PAYLOAD_MAX,
    }),
    faultMs: intSetting(env, "RNG_FAULT_MS", { default: 0, min: 0, max: 15 * ONE_MINUTE_MS }),
  };
}

export interface HasherConfig {
  delayMs: number;
  /** Largest request body, in bytes, after base64 decoding. */
  maxBytes: number;
}

export function loadHasherConfig(env: Env = process.env): HasherConfig {
  return {
    delayMs: intSetting(env, "HASHER_DELAY_MS", { default: 100, min: 0, max: ONE_MINUTE_MS }),
    maxBytes: intSetting(env, "HASHER_MAX_BYTES", {
      default: MiB,
      min: 0,
      max: LAMBDA_BINARY_PAYLOAD_MAX,
    }),
  };
}

export interface RedisConfig {
  url: string;
  token: string;
  /** Per-request timeout of the Upstash client, so a dead Redis fails fast instead of hanging. */
  timeoutMs: number;
}

export function loadRedisConfig(env: Env = process.env): RedisConfig {
  return {
    url: urlSetting(env, "UPSTASH_REDIS_REST_URL"),
    token: stringSetting(env, "UPSTASH_REDIS_REST_TOKEN"),
    timeoutMs: intSetting(env, "REDIS_TIMEOUT_MS", {
      default: 2_000,
      min: 100,
      max: ONE_MINUTE_MS,
    }),
  };
}

export interface ReplicaConfig {
  redis: RedisConfig;
  /** The SQS queue that carries worker tickets. */
  queueUrl: string;
  /** Replicas wanted when nobody has set a count yet. */
  defaultReplicas: number;
  /** Upper bound on the replica count, so a typo cannot start a thousand loops. */
  maxReplicas: number;
  /** How long a ticket counts as "in flight" before the supervisor issues a new one. */
  ticketGraceMs: number;
}

/** WORKER_REPLICAS when unset: one worker, as the original's compose file. */
export const DEFAULT_WORKER_REPLICAS = 1;

/** The replica count's default and bound, which the worker, supervisor and webui share. */
function loadReplicaLimits(env: Env): { defaultReplicas: number; maxReplicas: number } {
  const maxReplicas = intSetting(env, "WORKER_MAX_REPLICAS", { default: 50, min: 1, max: 1000 });
  const bounds = { default: DEFAULT_WORKER_REPLICAS, min: 0, max: maxReplicas };
  return { defaultReplicas: intSetting(env, "WORKER_REPLICAS", bounds), maxReplicas };
}

export function loadReplicaConfig(env: Env = process.env): ReplicaConfig {
  return {
    redis: loadRedisConfig(env),
    queueUrl: urlSetting(env, "WORKER_QUEUE_URL"),
    ...loadReplicaLimits(env),
    ticketGraceMs: intSetting(env, "WORKER_TICKET_GRACE_MS", {
      default: 15_000,
      min: 1_000,
      max: 15 * ONE_MINUTE_MS,
    }),
  };
}

export interface ScaleConfig extends ReplicaConfig {
  /** Bearer token the scale endpoint requires. */
  scaleToken: string;
  /** The dashboard's origin, the only one allowed to call the endpoint from a browser. */
  dashboardOrigin: string;
}

/** Shortest scale token accepted, so a placeholder like "x" cannot guard a deployment. */
export const MIN_TOKEN_LENGTH = 16;

export function loadScaleConfig(env: Env = process.env): ScaleConfig {
  const scaleToken = stringSetting(env, "SCALE_TOKEN");
  if (scaleToken.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(`SCALE_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return {
    ...loadReplicaConfig(env),
    scaleToken,
    dashboardOrigin: stringSetting(env, "DASHBOARD_ORIGIN", "*"),
  };
}

export interface WorkerConfig extends ReplicaConfig {
  rngUrl: string;
  hasherUrl: string;
  /** The original worker's sleep per loop (0.1 s), which makes one worker 3.33 hashes/s. */
  delayMs: number;
  /** Bytes asked of rng per hash (32 in the original). */
  randomBytes: number;
  /** How long one ticket mines before handing over to its continuation ticket. */
  sliceMs: number;
  /** Time kept free at the end of an invocation to flush and send the next ticket. */
  sliceMarginMs: number;
  flushIntervalMs: number;
  /** Lease time-to-live; renewed at every flush, so it must exceed the flush interval. */
  leaseTtlMs: number;
  /** Timeout of one rng or hasher call. */
  callTimeoutMs: number;
  /** Longest pause between retries while rng or hasher fail. */
  maxBackoffMs: number;
  /** How long per-second counters are kept in Redis. */
  bucketTtlSeconds: number;
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const apiBaseUrl = urlSetting(env, "API_BASE_URL");
  const flushIntervalMs = intSetting(env, "WORKER_FLUSH_INTERVAL_MS", {
    default: 1_000,
    min: 100,
    max: ONE_MINUTE_MS,
  });
  return {
    ...loadReplicaConfig(env),
    rngUrl: `${apiBaseUrl}/rng`,
    hasherUrl: `${apiBaseUrl}/hasher`,
    delayMs: intSetting(env, "WORKER_DELAY_MS", { default: 100, min: 0, max: ONE_MINUTE_MS }),
    randomBytes: intSetting(env, "WORKER_RANDOM_BYTES", { default: 32, min: 1, max: 4_096 }),
    sliceMs: intSetting(env, "WORKER_SLICE_MS", {
      default: 20_000,
      min: 1_000,
      max: 14 * ONE_MINUTE_MS,
    }),
    sliceMarginMs: intSetting(env, "WORKER_SLICE_MARGIN_MS", {
      default: 3_000,
      min: 500,
      max: ONE_MINUTE_MS,
    }),
    flushIntervalMs,
    leaseTtlMs: intSetting(env, "WORKER_LEASE_TTL_MS", {
      default: 5_000,
      min: flushIntervalMs * 2,
      max: 15 * ONE_MINUTE_MS,
    }),
    callTimeoutMs: intSetting(env, "WORKER_CALL_TIMEOUT_MS", {
      default: 5_000,
      min: 100,
      max: ONE_MINUTE_MS,
    }),
    maxBackoffMs: intSetting(env, "WORKER_MAX_BACKOFF_MS", {
      default: 5_000,
      min: 10,
      max: ONE_MINUTE_MS,
    }),
    bucketTtlSeconds: intSetting(env, "HASH_BUCKET_TTL_SECONDS", {
      default: 3_600,
      min: 60,
      max: 86_400 * 7,
    }),
  };
}

export interface WebuiConfig {
  redis: RedisConfig;
  defaultReplicas: number;
  maxReplicas: number;
  /** Per-second samples returned by /json (the dashboard's chart width). */
  seriesSeconds: number;
  /** Seconds a bucket may still be growing: workers flush about once a second. */
  seriesLagSeconds: number;
  /** How long an instance reuses its last answer: /json costs O(window) Redis reads. */
  cacheMs: number;
  /** GET /cloud: who serves it on this stage, and from where. */
  cloud: CloudReportConfig;
}

export function loadWebuiConfig(env: Env = process.env): WebuiConfig {
  return {
    redis: loadRedisConfig(env),
    ...loadReplicaLimits(env),
    seriesSeconds: intSetting(env, "SERIES_SECONDS", { default: 300, min: 1, max: 3_600 }),
    seriesLagSeconds: intSetting(env, "SERIES_LAG_SECONDS", { default: 2, min: 0, max: 60 }),
    cacheMs: intSetting(env, "JSON_CACHE_MS", { default: 250, min: 0, max: 1_000 }),
    cloud: loadCloudReportConfig(env),
  };
}

/** Where the webui's GET /cloud gets its figures. */
export const CLOUD_METRICS_PLATFORMS = ["aws", "localstack-community", "localstack-host"] as const;

/** What every deployed stage's report needs, whoever measures it. */
export interface DeployedReportConfig {
  stage: string;
  /** The stage's functions: key in serverless.yml → deployed name. */
  functions: { key: string; name: string }[];
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** How long an instance reuses its report: CloudWatch charges per metric asked (31 a report). */
  cacheMs: number;
}

export type CloudReportConfig =
  /** Stage dev: the local cloud's dashboard origin serves /cloud, not this function. */
  | { stage: "dev"; servedBy: "local-cloud" }
  /** AWS and LocalStack in Docker: CloudWatch (what the platform publishes), SQS, Lambda. */
  | (DeployedReportConfig & {
      servedBy: "cloudwatch";
      platform: Exclude<(typeof CLOUD_METRICS_PLATFORMS)[number], "localstack-host">;
    })
  /**
   * LocalStack host mode: the host executor's figures, GET /_host_executor/stats on
   * LocalStack's gateway (AWS_ENDPOINT_URL, which LocalStack gives every function), SQS, Lambda.
   */
  | (DeployedReportConfig & {
      servedBy: "host-executor";
      platform: "localstack-host";
      hostExecutorStatsUrl: string;
    });

/** Must equal STATS_PATH of localstack/host/src/localstack_host_executor/stats_route.py. */
export const HOST_EXECUTOR_STATS_PATH = "/_host_executor/stats";

export function loadCloudReportConfig(env: Env = process.env): CloudReportConfig {
  const stage = stringSetting(env, "STAGE");
  if (stage === "dev") return { stage, servedBy: "local-cloud" };
  const platform = choiceSetting(env, "CLOUD_METRICS_PLATFORM", CLOUD_METRICS_PLATFORMS);
  const deployed: DeployedReportConfig = {
    stage,
    functions: functionListSetting(env, "CLOUD_FUNCTIONS"),
    queueUrl: urlSetting(env, "WORKER_QUEUE_URL"),
    deadLetterQueueUrl: urlSetting(env, "WORKER_DLQ_URL"),
    cacheMs: intSetting(env, "CLOUD_CACHE_MS", { default: 10_000, min: 1_000, max: 60_000 }),
  };
  if (platform !== "localstack-host") return { ...deployed, servedBy: "cloudwatch", platform };
  const endpoint = urlSetting(env, "AWS_ENDPOINT_URL");
  return {
    ...deployed,
    servedBy: "host-executor",
    platform,
    hostExecutorStatsUrl: new URL(HOST_EXECUTOR_STATS_PATH, endpoint).toString(),
  };
}

import { describe, expect, it } from "vitest";
import { loadCloudReportConfig, loadRngConfig, loadWebuiConfig, loadWorkerConfig } from "./config";
import { ConfigError } from "./errors";

const workerEnv = {
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079/",
  UPSTASH_REDIS_REST_TOKEN: "t",
  WORKER_QUEUE_URL: "http://127.0.0.1:9324/000000000000/q",
  API_BASE_URL: "http://127.0.0.1:3000/dev",
};

describe("config", () => {
  it("has the original's defaults", () => {
    expect(loadRngConfig({})).toEqual({ delayMs: 100, maxBytes: 1048576, faultMs: 0 });
    const worker = loadWorkerConfig(workerEnv);
    expect(worker.delayMs).toBe(100);
    expect(worker.randomBytes).toBe(32);
    expect(worker.rngUrl).toBe("http://127.0.0.1:3000/dev/rng");
    expect(worker.redis.url).toBe("http://127.0.0.1:8079");
  });

  it("names the variable that is missing", () => {
    expect(() => loadWebuiConfig({})).toThrow(
      new ConfigError("UPSTASH_REDIS_REST_URL is required (an http or https URL)"),
    );
    const { API_BASE_URL: _, ...withoutApi } = workerEnv;
    expect(() => loadWorkerConfig(withoutApi)).toThrow(/API_BASE_URL is required/);
  });

  it("names the variable that is malformed or out of range", () => {
    expect(() => loadRngConfig({ RNG_DELAY_MS: "fast" })).toThrow(
      /RNG_DELAY_MS must be an integer, got "fast"/,
    );
    expect(() => loadRngConfig({ RNG_MAX_BYTES: "999999999" })).toThrow(
      /RNG_MAX_BYTES must be between 0 and 4194304/,
    );
    expect(() => loadWorkerConfig({ ...workerEnv, API_BASE_URL: "ftp://x" })).toThrow(
      /API_BASE_URL must be an http/,
    );
  });

  it("keeps the lease longer than two flush intervals", () => {
    expect(() => loadWorkerConfig({ ...workerEnv, WORKER_LEASE_TTL_MS: "1500" })).toThrow(
      /WORKER_LEASE_TTL_MS must be between 2000/,
    );
  });

  it("reads the cloud report's settings only off stage dev, naming a bad one", () => {
    expect(loadCloudReportConfig({ STAGE: "dev" })).toEqual({
      stage: "dev",
      servedBy: "local-cloud",
    });
    const prod = {
      STAGE: "prod",
      CLOUD_FUNCTIONS: "rng=dockercoins-prod-rng, hasher=dockercoins-prod-hasher",
      WORKER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q",
      WORKER_DLQ_URL: "https://sqs.us-east-1.amazonaws.com/1/q-dlq",
    };
    expect(loadCloudReportConfig(prod)).toMatchObject({
      platform: "aws",
      cacheMs: 10_000,
      functions: [
        { key: "rng", name: "dockercoins-prod-rng" },
        { key: "hasher", name: "dockercoins-prod-hasher" },
      ],
    });
    expect(() => loadCloudReportConfig({})).toThrow(/STAGE is required/);
    expect(() => loadCloudReportConfig({ ...prod, CLOUD_FUNCTIONS: "rng" })).toThrow(
      /CLOUD_FUNCTIONS: "rng" is not key=function-name/,
    );
    const { WORKER_DLQ_URL: _, ...withoutDlq } = prod;
    expect(() => loadCloudReportConfig(withoutDlq)).toThrow(/WORKER_DLQ_URL is required/);
    expect(() => loadCloudReportConfig({ ...prod, CLOUD_METRICS_PLATFORM: "gcp" })).toThrow(
      /CLOUD_METRICS_PLATFORM must be one of aws, localstack-community, localstack-host/,
    );
    expect(() => loadCloudReportConfig({ ...prod, CLOUD_CACHE_MS: "100" })).toThrow(
      /CLOUD_CACHE_MS/,
    );
  });

  it("asks LocalStack's gateway for the host executor's figures only in host mode", () => {
    const local = {
      STAGE: "local",
      CLOUD_FUNCTIONS: "rng=dockercoins-local-rng",
      WORKER_QUEUE_URL: "http://127.0.0.1:4566/000000000000/q",
      WORKER_DLQ_URL: "http://127.0.0.1:4566/000000000000/q-dlq",
    };
    expect(
      loadCloudReportConfig({
        ...local,
        CLOUD_METRICS_PLATFORM: "localstack-host",
        AWS_ENDPOINT_URL: "http://127.0.0.1:4566/",
      }),
    ).toMatchObject({
      servedBy: "host-executor",
      hostExecutorStatsUrl: "http://127.0.0.1:4566/_host_executor/stats",
    });
    expect(() =>
      loadCloudReportConfig({ ...local, CLOUD_METRICS_PLATFORM: "localstack-host" }),
    ).toThrow(/AWS_ENDPOINT_URL is required/);
    const docker = loadCloudReportConfig({
      ...local,
      CLOUD_METRICS_PLATFORM: "localstack-community",
    });
    expect(docker).toMatchObject({ servedBy: "cloudwatch" });
    expect(docker).not.toHaveProperty("hostExecutorStatsUrl");
  });
});

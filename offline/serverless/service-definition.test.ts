import { describe, expect, it } from "vitest";
import type { Queue } from "../sqs/emulator";
import {
  localCloudSettings,
  resolveEnvironment,
  ServiceDefinitionError,
  sqsEventSources,
} from "./service-definition";

const queue: Queue = {
  logicalId: "WorkerQueue",
  name: "dockercoins-dev-worker-tickets",
  url: "http://127.0.0.1:9324/000000000000/dockercoins-dev-worker-tickets",
  arn: "arn:aws:sqs:us-east-1:000000000000:dockercoins-dev-worker-tickets",
};
const queues = new Map([["WorkerQueue", queue]]);

describe("resolveEnvironment", () => {
  it("resolves queue references as AWS would at deploy time", () => {
    expect(
      resolveEnvironment(
        {
          URL: { Ref: "WorkerQueue" },
          ARN: { "Fn::GetAtt": ["WorkerQueue", "Arn"] },
          N: 3,
          S: "x",
        },
        queues,
      ),
    ).toEqual({ URL: queue.url, ARN: queue.arn, N: "3", S: "x" });
  });

  it("names the variable it cannot resolve", () => {
    expect(() => resolveEnvironment({ API: { Ref: "ApiGatewayRestApi" } }, queues)).toThrow(
      ServiceDefinitionError,
    );
    expect(() => resolveEnvironment({ API: { "Fn::Join": ["", []] } }, queues)).toThrow(
      /^API: unsupported/,
    );
  });
});

describe("sqsEventSources", () => {
  it("maps each sqs event to its queue, batch size and partial-failure mode", () => {
    const sources = sqsEventSources(
      {
        worker: {
          name: "dockercoins-dev-worker",
          events: [
            {
              sqs: {
                arn: { "Fn::GetAtt": ["WorkerQueue", "Arn"] },
                batchSize: 1,
                functionResponseType: "ReportBatchItemFailures",
              },
            },
          ],
        },
        rng: { events: [{ http: { path: "rng" } }] },
      },
      queues,
    );
    expect(sources).toEqual([
      {
        functionKey: "worker",
        functionName: "dockercoins-dev-worker",
        queue,
        batchSize: 1,
        maxConcurrency: 100,
        reportBatchItemFailures: true,
      },
    ]);
  });

  it("refuses an sqs event on a queue that resources do not declare", () => {
    expect(() =>
      sqsEventSources({ f: { events: [{ sqs: "arn:aws:sqs:us-east-1:1:other" }] } }, queues),
    ).toThrow(/function f: its sqs event names a queue not declared/);
  });
});

describe("localCloudSettings", () => {
  it("reads ports, with the original's defaults", () => {
    expect(localCloudSettings({})).toMatchObject({
      dashboardPort: 8000,
      httpPort: 3000,
      redisUrl: undefined,
    });
    expect(
      localCloudSettings({ localCloud: { dashboardPort: "8100", redisUrl: "redis://x" } }),
    ).toMatchObject({
      dashboardPort: 8100,
      redisUrl: "redis://x",
    });
  });

  it("names a bad port", () => {
    expect(() => localCloudSettings({ localCloud: { sqsPort: "nope" } })).toThrow(
      /SQS_PORT must be a TCP port/,
    );
  });

  it("keeps Redis's data in .local-cloud unless told another folder, or none", () => {
    expect(localCloudSettings({})).toMatchObject({
      stateDir: ".local-cloud",
      redisMaxDeathsPerMinute: 5,
    });
    expect(localCloudSettings({ localCloud: { stateDir: "/data/dc" } }).stateDir).toBe("/data/dc");
    expect(localCloudSettings({ localCloud: { stateDir: "none" } }).stateDir).toBeUndefined();
    expect(() => localCloudSettings({ localCloud: { redisMaxDeathsPerMinute: "0" } })).toThrow(
      /REDIS_MAX_DEATHS_PER_MINUTE must be between 1 and 100, got 0/,
    );
  });

  it("reads the instances' idle time from serverless-offline's terminateIdleLambdaTime", () => {
    expect(localCloudSettings({}).functionIdleSeconds).toBe(60);
    const offline = (value: unknown) => ({
      "serverless-offline": { terminateIdleLambdaTime: value },
    });
    expect(localCloudSettings(offline("5")).functionIdleSeconds).toBe(5);
    for (const bad of ["0", "-1", "1.5", "soon", "3601"]) {
      expect(() => localCloudSettings(offline(bad))).toThrow(
        /FUNCTION_IDLE_SECONDS must be (an integer|between 1 and 3600)/,
      );
    }
  });
});

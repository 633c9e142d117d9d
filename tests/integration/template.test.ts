import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newToken } from "../../common/local-tokens";
import { hostModeParams, localStageTokenVariables } from "../../localstack/scripts/deploy";
import {
  API_BASE_IN_NETWORK,
  REST_API_ID,
  SITE_BUCKET,
  SRH_URL_IN_NETWORK,
} from "../../localstack/scripts/stack";
import { type Packaged, type PackageRun, packageStage, runPackage } from "../support/package";

// The stages that leave this machine, checked the only way possible without Docker or AWS:
// `serverless package` (offline) and assertions on the CloudFormation it generates.
const prodEnv = {
  UPSTASH_REDIS_REST_URL: "https://eu1-example-12345.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "AYQgASQgexampletoken",
  SCALE_TOKEN: "a-scale-token-of-some-length",
};

const stages: Record<"local" | "prod" | "localOnHost", Packaged> = {} as never;
let prodWithoutUpstash: PackageRun & { dir: string };
let localLoopbackInContainers: PackageRun & { dir: string };
let localWithoutTokens: PackageRun & { dir: string };
/** What `npm run deploy:local` passes: the local stage's random tokens. */
const localTokens = { redisRestToken: newToken(), scaleToken: newToken() };
const localEnv = localStageTokenVariables(localTokens);
/** What `npm run deploy:local` passes in host mode (localstack/scripts/deploy.ts). */
const bridgeUrl = "http://127.0.0.1:4579";
const endpoint = "http://127.0.0.1:4566";
const onHost = hostModeParams(bridgeUrl, endpoint);

beforeAll(async () => {
  // One after another: serverless-esbuild builds in the project's .esbuild/ folder.
  stages.local = await packageStage("local", localEnv);
  stages.prod = await packageStage("prod", prodEnv);
  stages.localOnHost = await packageStage("local", localEnv, onHost);
  localWithoutTokens = await runPackage("local");
  prodWithoutUpstash = await runPackage("prod");
  // Host mode's loopback URLs without functionsRunOn=host: the Docker mode's check refuses them.
  localLoopbackInContainers = await runPackage("local", localEnv, onHost.slice(1));
  for (const run of [prodWithoutUpstash, localLoopbackInContainers, localWithoutTokens]) {
    rmSync(run.dir, { recursive: true, force: true });
  }
}, 240_000);

afterAll(() => {
  for (const packaged of Object.values(stages)) {
    rmSync(packaged.dir, { recursive: true, force: true });
  }
});

const functionsOf = (p: Packaged) =>
  Object.entries(p.resources).filter(([, r]) => r.Type === "AWS::Lambda::Function");
function variablesOf(p: Packaged, logicalId: string): Record<string, unknown> {
  const environment = p.resources[logicalId]?.Properties.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

describe.each(["local", "prod"] as const)("serverless package --stage %s", (stage) => {
  it("runs every function on nodejs24.x", () => {
    const functions = functionsOf(stages[stage]);
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe("nodejs24.x");
  });

  it("puts no loopback address in any function's environment", () => {
    for (const [id, fn] of functionsOf(stages[stage])) {
      const env = JSON.stringify(fn.Properties.Environment ?? {});
      expect(env, id).not.toMatch(/localhost|127\.0\.0\.1/);
    }
  });

  it("runs the supervisor every minute from an EventBridge rule", () => {
    const rules = stages[stage].ofType("AWS::Events::Rule");
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      ScheduleExpression: "rate(1 minute)",
      State: "ENABLED",
      Targets: [{ Arn: { "Fn::GetAtt": ["SupervisorLambdaFunction", "Arn"] } }],
    });
  });

  it("feeds the worker from the ticket queue, one ticket per invocation", () => {
    const mappings = stages[stage].ofType("AWS::Lambda::EventSourceMapping");
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      BatchSize: 1,
      // A long poll on LocalStack (no empty polls, ~0.2 s to the worker); no wait on AWS.
      MaximumBatchingWindowInSeconds: 20,
      EventSourceArn: { "Fn::GetAtt": ["WorkerQueue", "Arn"] },
      FunctionName: { "Fn::GetAtt": ["WorkerLambdaFunction", "Arn"] },
    });
  });

  it("redrives failed tickets to the DLQ, with a visibility timeout beyond the worker's", () => {
    const { resources } = stages[stage];
    const queue = resources.WorkerQueue?.Properties;
    expect(queue?.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: { "Fn::GetAtt": ["WorkerDeadLetterQueue", "Arn"] },
    });
    expect(resources.WorkerDeadLetterQueue?.Type).toBe("AWS::SQS::Queue");
    const workerTimeout = Number(resources.WorkerLambdaFunction?.Properties.Timeout);
    expect(workerTimeout).toBeGreaterThan(0);
    // AWS asks for 6x on an event-source queue (retries of throttled invocations); LocalStack
    // needs one turn's worth, and a poison ticket then reaches the DLQ in minutes.
    const factor = stage === "prod" ? 6 : 1;
    expect(Number(queue?.VisibilityTimeout)).toBeGreaterThan(factor * workerTimeout - 1);
  });

  it("hosts the dashboard in a bucket with website configuration, readable by anyone", () => {
    const { resources } = stages[stage];
    expect(resources.SiteBucket?.Type).toBe("AWS::S3::Bucket");
    expect(resources.SiteBucket?.Properties.WebsiteConfiguration).toEqual({
      IndexDocument: "index.html",
    });
    expect(resources.SiteBucketPolicy?.Properties).toMatchObject({
      Bucket: { Ref: "SiteBucket" },
      PolicyDocument: { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] },
    });
    expect(stages[stage].outputs).toHaveProperty("SiteWebsiteUrl");
  });

  it("gives rng its reserved concurrency: 1 by default, the workshop's bottleneck", () => {
    expect(stages[stage].resources.RngLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(
      1,
    );
  });
});

describe.each(["local", "prod"] as const)("GET /cloud on stage %s", (stage) => {
  it("is served by the webui function, with the same CORS preflight as /json", () => {
    const resources = stages[stage].ofType("AWS::ApiGateway::Resource");
    const paths = resources.map((r) => r.Properties.PathPart);
    expect(paths).toEqual(expect.arrayContaining(["json", "cloud"]));
    const methods = stages[stage].ofType("AWS::ApiGateway::Method");
    const onPath = (part: string) =>
      methods
        .filter((m) =>
          JSON.stringify(m.Properties.ResourceId).includes(`ApiGatewayResource${part}`),
        )
        .map((m) => m.Properties.HttpMethod)
        .sort();
    expect(onPath("Cloud")).toEqual(onPath("Json"));
    expect(onPath("Cloud")).toEqual(["GET", "OPTIONS"]);
  });

  it("tells the webui where to read, on the stage's platform", () => {
    const env = variablesOf(stages[stage], "WebuiLambdaFunction");
    expect(env).toMatchObject({
      STAGE: stage,
      CLOUD_METRICS_PLATFORM: stage === "prod" ? "aws" : "localstack-community",
      WORKER_QUEUE_URL: { Ref: "WorkerQueue" },
      WORKER_DLQ_URL: { Ref: "WorkerDeadLetterQueue" },
    });
    const names = String(env.CLOUD_FUNCTIONS).split(",");
    expect(names).toContain(`rng=dockercoins-${stage}-rng`);
    expect(names).toHaveLength(functionsOf(stages[stage]).length);
    for (const [, fn] of functionsOf(stages[stage])) {
      expect(names.map((pair) => pair.split("=")[1])).toContain(fn.Properties.FunctionName);
    }
  });

  it("grants only the reads it needs, on the stage's own queues, functions and log groups", () => {
    const role = stages[stage].resources.IamRoleLambdaExecution?.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const grant = (action: string) => statements.filter((st) => st.Action.includes(action));
    expect(grant("cloudwatch:GetMetricData").map((st) => st.Resource)).toEqual(["*"]);
    // serverless adds the worker's event-source grant (receive, delete, attributes) on its own.
    const queueReads = statements.filter((st) => st.Action.join() === "sqs:GetQueueAttributes");
    expect(queueReads.map((st) => st.Resource)).toEqual([
      [
        { "Fn::GetAtt": ["WorkerQueue", "Arn"] },
        { "Fn::GetAtt": ["WorkerDeadLetterQueue", "Arn"] },
      ],
    ]);
    const lambda = JSON.stringify(grant("lambda:GetFunctionConcurrency").map((st) => st.Resource));
    expect(lambda).toContain(`dockercoins-${stage}-*`);
    const insights = JSON.stringify(grant("logs:StartQuery").map((st) => st.Resource));
    expect(insights).toContain(`/aws/lambda/dockercoins-${stage}-*`);
    expect(grant("logs:GetQueryResults").map((st) => st.Resource)).toEqual(["*"]);
    for (const st of statements) expect(st.Action.join()).not.toMatch(/\*/);
  });
});

describe("stage local (LocalStack)", () => {
  it("fixes the REST API's id with the _custom_id_ tag the scripts' URLs use", () => {
    const [api] = stages.local.ofType("AWS::ApiGateway::RestApi");
    expect(api?.Properties.Tags).toEqual([{ Key: "_custom_id_", Value: REST_API_ID }]);
  });

  it("names the site bucket as the scripts upload to it", () => {
    expect(stages.local.resources.SiteBucket?.Properties.BucketName).toBe(SITE_BUCKET);
  });

  it("reaches SRH and the API by compose service name from inside Lambda containers", () => {
    const worker = variablesOf(stages.local, "WorkerLambdaFunction");
    expect(worker).toMatchObject({
      UPSTASH_REDIS_REST_URL: SRH_URL_IN_NETWORK,
      UPSTASH_REDIS_REST_TOKEN: localTokens.redisRestToken,
      API_BASE_URL: API_BASE_IN_NETWORK,
      WORKER_QUEUE_URL: { Ref: "WorkerQueue" },
    });
  });
});

describe("stage local in host mode (LocalStack natively, functions as host processes)", () => {
  it("passes the pre-deploy checks with loopback URLs, said by functionsRunOn=host", () => {
    expect(variablesOf(stages.localOnHost, "WorkerLambdaFunction")).toMatchObject({
      UPSTASH_REDIS_REST_URL: bridgeUrl,
      API_BASE_URL: `${endpoint}/_aws/execute-api/${REST_API_ID}/local`,
    });
  });

  it("tells GET /cloud that host mode's LocalStack publishes no Lambda metric", () => {
    expect(variablesOf(stages.localOnHost, "WebuiLambdaFunction").CLOUD_METRICS_PLATFORM).toBe(
      "localstack-host",
    );
  });

  it("keeps the rest of the stage as in Docker: same resources, same API id", () => {
    // Logical ids of function versions hash their configuration: compare the resources' types.
    const types = (p: Packaged) =>
      Object.values(p.resources)
        .map((r) => r.Type)
        .sort();
    expect(types(stages.localOnHost)).toEqual(types(stages.local));
    const [api] = stages.localOnHost.ofType("AWS::ApiGateway::RestApi");
    expect(api?.Properties.Tags).toEqual([{ Key: "_custom_id_", Value: REST_API_ID }]);
  });

  it("refuses the same loopback URLs for functions in containers (the Docker mode)", () => {
    expect(localLoopbackInContainers.code).not.toBe(0);
    expect(localLoopbackInContainers.output).toContain("stage local cannot be packaged");
    expect(localLoopbackInContainers.output).toContain(
      "functions.worker.environment.API_BASE_URL points at 127.0.0.1",
    );
  });

  it("has no token of its own: packaged without deploy:local's random ones, it is refused", () => {
    expect(localWithoutTokens.code).not.toBe(0);
    expect(localWithoutTokens.output).toContain(
      "UPSTASH_REDIS_REST_TOKEN is empty: run npm run deploy:local",
    );
    expect(localWithoutTokens.output).toContain(
      "functions.scale.environment.SCALE_TOKEN has fewer",
    );
  });
});

describe("stage prod (AWS)", () => {
  it("takes the Upstash URL and token from the environment", () => {
    expect(variablesOf(stages.prod, "WebuiLambdaFunction")).toMatchObject({
      UPSTASH_REDIS_REST_URL: prodEnv.UPSTASH_REDIS_REST_URL,
      UPSTASH_REDIS_REST_TOKEN: prodEnv.UPSTASH_REDIS_REST_TOKEN,
    });
  });

  it("lets AWS name the bucket and sets no LocalStack tag", () => {
    expect(stages.prod.resources.SiteBucket?.Properties.BucketName).toEqual({
      Ref: "AWS::NoValue",
    });
    const [api] = stages.prod.ofType("AWS::ApiGateway::RestApi");
    expect(api?.Properties.Tags ?? []).toEqual([]);
  });

  it("calls the API on its execute-api address", () => {
    const apiBase = JSON.stringify(variablesOf(stages.prod, "WorkerLambdaFunction").API_BASE_URL);
    expect(apiBase).toContain(".execute-api.us-east-1.amazonaws.com/prod");
  });

  it("fails at package time, naming both variables, when Upstash is not configured", () => {
    expect(prodWithoutUpstash.code).not.toBe(0);
    expect(prodWithoutUpstash.output).toContain("stage prod cannot be packaged");
    expect(prodWithoutUpstash.output).toContain("UPSTASH_REDIS_REST_URL is empty");
    expect(prodWithoutUpstash.output).toContain("UPSTASH_REDIS_REST_TOKEN is empty");
  });
});

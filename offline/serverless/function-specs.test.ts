import { describe, expect, it } from "vitest";
import { functionSpecs, sharedAwsSettings } from "./function-specs";

const service = {
  provider: {
    region: "eu-west-1",
    timeout: 10,
    memorySize: 256,
    environment: { SHARED: "yes", AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9324", LEVEL: 2 },
  },
  functions: {
    rng: {
      name: "svc-dev-rng",
      handler: "functions/rng/handler.handler",
      reservedConcurrency: "1",
      environment: { RNG_DELAY_MS: "100", SHARED: "overridden" },
    },
    worker: { handler: "functions/worker/handler.handler", timeout: 30, memorySize: 512 },
  },
};

describe("functionSpecs", () => {
  const specs = functionSpecs(service, { AWS_PROFILE: "from-host" });

  it("names functions as deployed, with their timeout, memory and reserved concurrency", () => {
    const rng = specs.get("svc-dev-rng");
    expect(rng).toMatchObject({ timeoutMs: 10_000, memorySize: 256, reservedConcurrency: 1 });
    expect(specs.get("worker")).toMatchObject({ timeoutMs: 30_000, memorySize: 512 });
    expect(specs.get("worker")?.reservedConcurrency).toBeUndefined();
  });

  it("composes the environment as serverless-offline does: host AWS_*, Lambda's, provider, function", () => {
    const env = specs.get("svc-dev-rng")?.env;
    expect(env).toMatchObject({
      AWS_PROFILE: "from-host",
      AWS_REGION: "eu-west-1",
      AWS_LAMBDA_FUNCTION_NAME: "svc-dev-rng",
      _HANDLER: "functions/rng/handler.handler",
      SHARED: "overridden",
      RNG_DELAY_MS: "100",
      LEVEL: "2",
      IS_OFFLINE: "true",
    });
    expect(specs.get("worker")?.env.RNG_DELAY_MS).toBeUndefined();
  });

  it("shares only the AWS_* settings that every function has alike", () => {
    const shared = sharedAwsSettings(specs);
    expect(shared).toMatchObject({
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9324",
    });
    expect(shared.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
    expect(shared.SHARED).toBeUndefined();
  });
});

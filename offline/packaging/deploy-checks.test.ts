import { describe, expect, it } from "vitest";
import { checkDeployStage, DeployConfigError, deployStageProblems } from "./deploy-checks";

const upstash = {
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "AXXXtoken",
};
const scale = { SCALE_TOKEN: "a-long-enough-scale-token" };

describe("deployStageProblems", () => {
  it("never checks the local cloud (dev), where loopback addresses are right", () => {
    expect(
      deployStageProblems("dev", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079" }, {}),
    ).toEqual([]);
  });

  it("accepts an AWS stage with Upstash settings and container-safe addresses", () => {
    const worker = { API_BASE_URL: { "Fn::Join": ["", ["https://", { Ref: "Api" }]] } };
    expect(deployStageProblems("prod", upstash, { worker, scale })).toEqual([]);
  });

  it("names both Upstash variables when they are missing", () => {
    const problems = deployStageProblems(
      "prod",
      { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "  " },
      {},
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^UPSTASH_REDIS_REST_URL is empty/);
    expect(problems[1]).toMatch(/^UPSTASH_REDIS_REST_TOKEN is empty/);
  });

  it("refuses an Upstash URL that is not http(s)", () => {
    const problems = deployStageProblems(
      "prod",
      { ...upstash, UPSTASH_REDIS_REST_URL: "redis://x:6379" },
      {},
    );
    expect(problems).toEqual(["UPSTASH_REDIS_REST_URL is not an http(s) URL: redis://x:6379"]);
  });

  it("finds loopback addresses in any function, inside CloudFormation functions too", () => {
    const problems = deployStageProblems("local", upstash, {
      worker: { API_BASE_URL: { "Fn::Join": ["", ["http://localhost:4566/", "x"]] } },
      webui: { OTHER: "http://127.0.0.1:1" },
    });
    expect(problems).toEqual([
      "functions.worker.environment.API_BASE_URL points at localhost: inside a Lambda container that is the container itself",
      "functions.webui.environment.OTHER points at 127.0.0.1: inside a Lambda container that is the container itself",
    ]);
  });

  it("accepts loopback addresses for stage local in host mode, where functions are host processes", () => {
    const worker = { API_BASE_URL: "http://127.0.0.1:4566/_aws/execute-api/dockercoins/local" };
    const local = { ...upstash, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:4579" };
    expect(deployStageProblems("local", local, { worker }, "host")).toEqual([]);
    // The Docker mode keeps refusing them: there each function is a container.
    expect(deployStageProblems("local", local, { worker }, "container")).toHaveLength(2);
    // The Upstash checks still apply in host mode.
    expect(deployStageProblems("local", {}, { worker }, "host")).toEqual([
      "UPSTASH_REDIS_REST_URL is empty: export your Upstash database's REST URL (https://….upstash.io)",
      "UPSTASH_REDIS_REST_TOKEN is empty: run npm run deploy:local, which passes the local stage's random tokens (or export SRH_TOKEN and SCALE_TOKEN)",
    ]);
  });

  it("refuses host mode for any stage but local, and an unknown placement", () => {
    const worker = { API_BASE_URL: "http://127.0.0.1:1" };
    expect(deployStageProblems("prod", upstash, { worker }, "host")).toEqual([
      "functionsRunOn=host is for stage local (LocalStack in host mode) only: stage prod's functions run in Lambda sandboxes",
      "functions.worker.environment.API_BASE_URL points at 127.0.0.1: inside a Lambda container that is the container itself",
    ]);
    expect(deployStageProblems("local", upstash, {}, "laptop")).toEqual([
      'functionsRunOn must be container or host, got "laptop"',
    ]);
  });

  it("refuses a scale token shorter than the scale function accepts", () => {
    expect(deployStageProblems("prod", upstash, { scale: { SCALE_TOKEN: "short" } })).toEqual([
      "functions.scale.environment.SCALE_TOKEN has fewer than 16 characters: export SCALE_TOKEN",
    ]);
  });
});

describe("checkDeployStage", () => {
  const service = (environment: Record<string, unknown>) => ({
    service: { provider: { stage: "dev", environment }, functions: { rng: undefined } },
  });

  it("reads functionsRunOn from custom.deployChecks (the functionsRunOn param)", () => {
    const onHost = (functionsRunOn: string) => ({
      service: {
        provider: {
          stage: "local",
          environment: { ...upstash, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1" },
        },
        functions: {},
        custom: { deployChecks: { functionsRunOn } },
      },
    });
    expect(() => checkDeployStage(onHost("host"))).not.toThrow();
    expect(() => checkDeployStage(onHost("container"))).toThrow(/points at 127\.0\.0\.1/);
  });

  it("reads the stage from the provider (the --stage option), not the file's default", () => {
    const serverless = { ...service({}), getProvider: () => ({ getStage: () => "prod" }) };
    expect(() => checkDeployStage(serverless)).toThrow(DeployConfigError);
    expect(() => checkDeployStage(service({}))).not.toThrow();
  });

  it("throws one error listing every problem, shown by osls as a user error", () => {
    const serverless = { ...service({}), getProvider: () => ({ getStage: () => "prod" }) };
    let error: unknown;
    try {
      checkDeployStage(serverless);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeployConfigError);
    const { message, name, problems, stage } = error as DeployConfigError;
    expect({ name, stage, count: problems.length }).toEqual({
      name: "ServerlessError",
      stage: "prod",
      count: 2,
    });
    expect(message).toContain("stage prod cannot be packaged:\n  - UPSTASH_REDIS_REST_URL");
  });
});

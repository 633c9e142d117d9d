import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import { PortPlanError, portCheck, portNeeds, portPlanCheck } from "./ports";

const serverlessYml = readFileSync(join(projectRoot, "serverless.yml"), "utf8");

describe("portNeeds", () => {
  it("reads the project's ports and their settings from serverless.yml", () => {
    expect(portNeeds(serverlessYml, {})).toEqual([
      { key: "httpPort", setting: "API_PORT", role: "API", port: 3000 },
      { key: "lambdaPort", setting: "LAMBDA_PORT", role: "Lambda invoke", port: 3002 },
      { key: "dashboardPort", setting: "DASHBOARD_PORT", role: "dashboard", port: 8000 },
      { key: "redisPort", setting: "REDIS_PORT", role: "redis-server", port: 6390 },
      { key: "bridgePort", setting: "BRIDGE_PORT", role: "Upstash bridge", port: 8079 },
      { key: "sqsPort", setting: "SQS_PORT", role: "fauxqs SQS", port: 9324 },
    ]);
  });

  it("takes the overrides from the environment, an empty one as unset", () => {
    const needs = portNeeds(serverlessYml, { API_PORT: "4100", SQS_PORT: "4101", LAMBDA_PORT: "" });
    expect(needs.map((n) => n.port)).toEqual([4100, 3002, 8000, 6390, 8079, 4101]);
  });

  it("needs no Redis port when REDIS_URL names a Redis to use", () => {
    const needs = portNeeds(serverlessYml, { REDIS_URL: "redis://127.0.0.1:6379" });
    expect(needs.map((n) => n.setting)).not.toContain("REDIS_PORT");
    expect(needs).toHaveLength(5);
  });

  it("fails as the local cloud would on a port that is no port", () => {
    expect(() => portNeeds(serverlessYml, { DASHBOARD_PORT: "80000" })).toThrow(
      new PortPlanError('DASHBOARD_PORT must be a TCP port (1-65535), got "80000"'),
    );
    expect(() => portNeeds(serverlessYml, { LAMBDA_PORT: "x" })).toThrow(/LAMBDA_PORT must be/);
  });

  it("reads any service file of the same shape, literal ports included", () => {
    const yml = [
      "custom:",
      "  localCloud:",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless's own variable syntax
      '    dashboardPort: ${env:MY_DASHBOARD, "8100"}',
      "    sqsPort: 9400",
      "  serverless-offline:",
      "    httpPort: 3100",
    ].join("\n");
    const needs = portNeeds(yml, { MY_DASHBOARD: "8200" });
    expect(needs.find((n) => n.role === "dashboard")).toEqual({
      key: "dashboardPort",
      setting: "MY_DASHBOARD",
      role: "dashboard",
      port: 8200,
    });
    expect(needs.find((n) => n.role === "fauxqs SQS")).toMatchObject({
      setting: "custom.localCloud.sqsPort",
      port: 9400,
    });
  });
});

describe("portCheck", () => {
  const need = { key: "httpPort", setting: "API_PORT", role: "API", port: 3000 };

  it("passes a free port", () => {
    expect(portCheck(need, { free: true })).toMatchObject({
      id: "port:API_PORT",
      title: "port 3000 (API)",
      status: "ok",
      summary: "free (API_PORT)",
    });
  });

  it("names who holds a taken port and the setting to move to another", () => {
    const check = portCheck(need, {
      free: false,
      holder: "pid 42 (node server.js)",
      error: "EADDRINUSE",
    });
    expect(check.status).toBe("fail");
    expect(check.summary).toBe(
      "in use by pid 42 (node server.js): `npm start` cannot listen there",
    );
    expect(check.fix).toBe("stop it, or set API_PORT to a free port");
    // Where /proc cannot tell (macOS), the error instead.
    expect(
      portCheck(need, { free: false, holder: undefined, error: "EADDRINUSE" }).summary,
    ).toContain("not available (EADDRINUSE)");
  });

  it("passes the Redis port held by a Redis an earlier local cloud of this checkout left", () => {
    const redis = { key: "redisPort", setting: "REDIS_PORT", role: "redis-server", port: 6390 };
    const check = portCheck(redis, { free: false, leftoverRedis: 4242 });
    expect(check.status).toBe("ok");
    expect(check.summary).toContain("held by a redis-server (pid 4242) an earlier local cloud");
    expect(check.summary).toContain("`npm start` takes it back");
  });

  it("turns settings that are no ports into a ✗ line of their own", () => {
    const check = portPlanCheck(
      new PortPlanError('API_PORT must be a TCP port (1-65535), got "x"'),
    );
    expect(check).toMatchObject({ id: "ports", status: "fail", optional: false });
    expect(check.summary).toContain("API_PORT must be a TCP port");
    expect(check.fix).toBe("correct that setting, or unset it for the default");
  });
});

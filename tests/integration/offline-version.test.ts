import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnvironment } from "../../common/command-environment";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { locateServerlessOffline } from "../../offline/serverless/offline-internals";
import { SERVERLESS_OFFLINE_VERSION } from "../../offline/serverless/offline-version";

// `serverless offline start` on a service whose serverless-offline is another release than the
// one the local cloud is written for: a copy of the installed package whose package.json says
// 13.99.0. The service lives inside the project, so the copy finds its dependencies and the
// service finds the local cloud's plugin (../../../offline).
const FAKE_VERSION = "13.99.0";
const serviceDir = join(projectRoot, "node_modules", ".cache", `offline-version-${process.pid}`);
const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");

let run: { code: number; output: string };

beforeAll(async () => {
  const installed = locateServerlessOffline(projectRoot);
  const copy = join(serviceDir, "node_modules", "serverless-offline");
  mkdirSync(copy, { recursive: true });
  cpSync(installed.dir, copy, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
  writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, version: FAKE_VERSION }));
  // Free ports, should the refusal ever fail: a cloud that starts must not take 3000, 6390…
  const [dashboard, redis, bridge, sqs, api, lambda] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  writeFileSync(
    join(serviceDir, "serverless.yml"),
    [
      "service: offline-version",
      'frameworkVersion: "3"',
      "plugins:",
      "  - ../../../offline",
      "  - serverless-offline",
      "provider:",
      "  name: aws",
      "  runtime: nodejs24.x",
      "custom:",
      "  localCloud:",
      `    dashboardPort: ${dashboard}`,
      `    redisPort: ${redis}`,
      `    bridgePort: ${bridge}`,
      `    sqsPort: ${sqs}`,
      "    watch: none",
      "  serverless-offline:",
      "    host: 127.0.0.1",
      `    httpPort: ${api}`,
      `    lambdaPort: ${lambda}`,
      "functions:",
      "  hello:",
      "    handler: handler.handler",
      "",
    ].join("\n"),
  );
  run = await new Promise((resolve) => {
    execFile(
      process.execPath,
      [serverlessBin, "offline", "start"],
      { cwd: serviceDir, env: childEnvironment(), timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}, 90_000);

afterAll(() => rmSync(serviceDir, { recursive: true, force: true }));

describe("the local cloud on another serverless-offline release", () => {
  it("finds the copy serverless loads for the service, not the project's own", () => {
    expect(locateServerlessOffline(serviceDir).version).toBe(FAKE_VERSION);
  });

  it("refuses to start, naming both versions, without a stack trace", () => {
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      `the local cloud is written for serverless-offline ${SERVERLESS_OFFLINE_VERSION}, but ${FAKE_VERSION} is installed`,
    );
    expect(run.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it("starts nothing before refusing", () => {
    expect(run.output).not.toMatch(/starting the local cloud|redis|fauxqs|bridge/i);
  });
});

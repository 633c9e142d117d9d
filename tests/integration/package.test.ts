import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../offline/project";
import { zipEntries } from "../support/zip";

// `serverless package` runs offline and produces what a deploy would upload: one bundle per
// function and the CloudFormation template. These are checked here, without any cloud.
const KiB = 1024;
const bundleLimits: Record<string, number> = {
  rng: 10 * KiB,
  hasher: 10 * KiB,
  webui: 100 * KiB,
  worker: 150 * KiB,
  supervisor: 150 * KiB,
  scale: 150 * KiB,
};

let dir: string;
type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dockercoins-package-"));
  await promisify(execFile)(
    process.execPath,
    [
      join(projectRoot, "node_modules", "serverless", "bin", "serverless.js"),
      "package",
      "--package",
      dir,
    ],
    { cwd: projectRoot, timeout: 120_000 },
  );
  const template = JSON.parse(
    readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8"),
  );
  resources = template.Resources;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

describe("serverless package", () => {
  it.each(Object.entries(bundleLimits))(
    "bundles %s into one small JavaScript file",
    (fn, limit) => {
      const entries = zipEntries(join(dir, `${fn}.zip`)).filter((e) => e.name.endsWith(".js"));
      expect(entries).toHaveLength(1);
      expect(entries[0]?.size).toBeLessThanOrEqual(limit);
    },
  );

  it("runs every function on nodejs24.x", () => {
    const functions = ofType("AWS::Lambda::Function");
    expect(functions).toHaveLength(6);
    for (const fn of functions) expect(fn.Properties.Runtime).toBe("nodejs24.x");
  });

  it("declares a REST API with octet-stream as a binary media type", () => {
    const [api] = ofType("AWS::ApiGateway::RestApi");
    expect(api?.Properties.BinaryMediaTypes).toEqual(["application/octet-stream"]);
  });

  it("feeds the worker from the ticket queue, one ticket per invocation, with partial failures", () => {
    const [mapping] = ofType("AWS::Lambda::EventSourceMapping");
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      EventSourceArn: { "Fn::GetAtt": ["WorkerQueue", "Arn"] },
    });
  });

  it("sends failing tickets to a dead-letter queue", () => {
    expect(resources.WorkerQueue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": ["WorkerDeadLetterQueue", "Arn"] },
      maxReceiveCount: "3",
    });
  });

  it("runs the supervisor every minute", () => {
    const rules = ofType("AWS::Events::Rule");
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(["rate(1 minute)"]);
  });
});

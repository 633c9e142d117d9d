import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_LIMITS } from "../../bench/goals";
import { projectRoot } from "../../common/project";
import { instantiateHandler } from "../../offline/serverless/handler-module";
import { unreachableEnv } from "../fixtures/function-env";
import { zipEntries, zipEntryData } from "../support/zip";

// `serverless package` runs offline and produces what a deploy would upload: one bundle per
// function and the CloudFormation template. These are checked here, without any cloud.

let dir: string;
let packagerPid: number | undefined;
/** Bundles taken out of their zips, inside the project so they find node_modules (@aws-sdk). */
const unpacked = join(projectRoot, "node_modules", ".cache", `dockercoins-unpacked-${process.pid}`);
type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dockercoins-package-"));
  const run = promisify(execFile)(
    process.execPath,
    [
      join(projectRoot, "node_modules", "serverless", "bin", "serverless.js"),
      "package",
      "--package",
      dir,
    ],
    { cwd: projectRoot, timeout: 120_000 },
  );
  packagerPid = run.child.pid;
  await run;
  const template = JSON.parse(
    readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8"),
  );
  resources = template.Resources;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(unpacked, { recursive: true, force: true });
});

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

describe("serverless package", () => {
  it.each(Object.entries(BUNDLE_LIMITS))(
    "bundles %s into one small JavaScript file",
    (fn, limit) => {
      const entries = zipEntries(join(dir, `${fn}.zip`)).filter((e) => e.name.endsWith(".js"));
      expect(entries).toHaveLength(1);
      expect(entries[0]?.size).toBeLessThanOrEqual(limit);
    },
  );

  it("leaves nothing behind in the system's temporary folder", () => {
    // serverless-esbuild zips each function from `<function>-<pid>-<ms>-<hex>` there.
    expect(packagerPid).toBeGreaterThan(0);
    const left = readdirSync(tmpdir()).filter((name) =>
      new RegExp(`^[\\w-]+-${packagerPid}-\\d+-[0-9a-f]{8}$`).test(name),
    );
    expect(left).toEqual([]);
  });

  it("runs every function on nodejs24.x", () => {
    const functions = ofType("AWS::Lambda::Function");
    expect(functions).toHaveLength(6);
    for (const fn of functions) expect(fn.Properties.Runtime).toBe("nodejs24.x");
  });

  // nodejs24.x no longer calls callback-style handlers: the runtime refuses a handler that
  // takes a third parameter (the callback) and is not async. Each deployed bundle is loaded
  // here as Lambda loads it, and its handler must be async and take (event, context) only.
  it("exports only async handlers without a callback parameter, as nodejs24.x requires", async () => {
    const functions = Object.entries(resources).filter(
      ([, r]) => r.Type === "AWS::Lambda::Function",
    );
    expect(functions).toHaveLength(6);
    for (const [id, fn] of functions) {
      const handlerPath = String(fn.Properties.Handler); // functions/rng/handler.handler
      const exportName = handlerPath.slice(handlerPath.lastIndexOf(".") + 1);
      const file = `${handlerPath.slice(0, handlerPath.lastIndexOf("."))}.js`;
      const zip = join(dir, `${id.replace(/LambdaFunction$/, "").toLowerCase()}.zip`);
      const target = join(unpacked, id, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, zipEntryData(zip, file));
      const handler = await instantiateHandler(target, exportName, unreachableEnv);
      expect(handler.constructor.name, `${id}: ${handlerPath} is async`).toBe("AsyncFunction");
      expect(handler.length, `${id}: ${handlerPath} takes (event, context)`).toBeLessThan(3);
    }
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

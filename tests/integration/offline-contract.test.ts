import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import type { FunctionRunner } from "../../offline/serverless/function-runner";
import {
  locateServerlessOffline,
  type PluginUtils,
  preloadOffline,
  quietRequestNotices,
  runFunctionsInSandboxes,
} from "../../offline/serverless/offline-internals";
import { SERVERLESS_OFFLINE_VERSION } from "../../offline/serverless/offline-version";
import { lambdaFunctionUses } from "../support/offline-callers";

// The contract between the local cloud and the serverless-offline it reaches into
// (offline/serverless/offline-internals.ts), checked on the installed package itself: the
// members the runner replaces and relies on, the members serverless-offline's own callers use,
// and its pool and log utilities driving what the local cloud installed. A release that moves
// any of them fails here, before anything fails at run time.

const offline = locateServerlessOffline(projectRoot);

type Members = Record<string, PropertyDescriptor | undefined>;
interface LambdaFunctionClass {
  prototype: object;
  new (key: string, definition: object, serverless: object, options: object): LambdaFunction;
}
interface LambdaFunction {
  readonly functionName: string;
  readonly status: string;
  readonly idleTimeInMillis: number;
  setEvent(event: unknown): void;
  setClientContext(context: unknown): void;
  runHandler(): Promise<unknown>;
  cleanup(): Promise<void>;
}
interface Pool {
  start(): void;
  get(key: string, definition: object): LambdaFunction;
  cleanup(): Promise<void>;
}
type LogModule = {
  setLogUtils(utils: PluginUtils): void;
  log: PluginUtils["log"];
};

async function importOffline<T>(...path: string[]): Promise<T> {
  return (await import(offline.moduleUrl(...path))) as T;
}

function membersOf(proto: object): Members {
  return Object.getOwnPropertyDescriptors(proto) as Members;
}

describe("the installed serverless-offline", () => {
  it("is the release the local cloud is written for, pinned exactly in package.json", () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(offline.version).toBe(SERVERLESS_OFFLINE_VERSION);
    expect(manifest.devDependencies["serverless-offline"]).toBe(SERVERLESS_OFFLINE_VERSION);
    expect(relative(projectRoot, offline.dir)).toBe(join("node_modules", "serverless-offline"));
  });

  it("has the modules the local cloud preloads", async () => {
    const modules = (await preloadOffline(offline)) as { default: unknown }[];
    expect(modules).toHaveLength(3);
    for (const module of modules) expect(typeof module.default).toBe("function");
  });
});

describe("LambdaFunction, whose prototype the local runner takes over", () => {
  let proto: Members;
  beforeAll(async () => {
    const { default: LambdaFunction } = await importOffline<{ default: LambdaFunctionClass }>(
      "lambda",
      "LambdaFunction.js",
    );
    proto = membersOf(LambdaFunction.prototype);
  });

  // function-runner.ts assigns these methods and redefines these accessors.
  it.each([
    ["setEvent", 1],
    ["setClientContext", 1],
  ])("has the method %s(%i argument)", (name, arity) => {
    const value: unknown = proto[name]?.value;
    expect(typeof value).toBe("function");
    expect((value as () => void).length).toBe(arity);
    expect(proto[name]?.writable).toBe(true);
  });

  it.each(["runHandler", "cleanup"])("has the async method %s(), no arguments", (name) => {
    const value = proto[name]?.value as (() => Promise<unknown>) | undefined;
    expect(value?.constructor.name).toBe("AsyncFunction");
    expect(value?.length).toBe(0);
    expect(proto[name]?.writable).toBe(true);
  });

  it.each(["status", "idleTimeInMillis"])("has the redefinable getter %s", (name) => {
    expect(typeof proto[name]?.get).toBe("function");
    expect(proto[name]?.set).toBeUndefined();
    expect(proto[name]?.configurable).toBe(true);
  });

  it("has the getter functionName, which the runner reads and keeps", () => {
    expect(typeof proto.functionName?.get).toBe("function");
  });
});

describe("serverless-offline's own callers of a LambdaFunction", () => {
  // Read from serverless-offline 13.10.1's source. A release that calls anything else on a
  // LambdaFunction, or calls from somewhere new, fails this test: the runner may need to
  // provide it (see offline/serverless/offline-version.ts).
  const expected: Record<string, string[]> = {
    [join("events", "alb", "HttpServer.js")]: ["runHandler", "setEvent"],
    [join("events", "http", "HttpServer.js")]: ["runHandler", "setEvent"],
    [join("events", "http", "createAuthScheme.js")]: ["runHandler", "setEvent"],
    [join("events", "schedule", "Schedule.js")]: ["runHandler", "setEvent"],
    [join("events", "websocket", "WebSocketClients.js")]: ["runHandler", "setEvent"],
    [join("lambda", "LambdaFunctionPool.js")]: ["cleanup", "idleTimeInMillis", "status"],
    [join("lambda", "routes", "invocations", "InvocationsController.js")]: [
      "runHandler",
      "setClientContext",
      "setEvent",
    ],
    [join("lambda", "routes", "invoke-async", "InvokeAsyncController.js")]: [
      "runHandler",
      "setEvent",
    ],
  };

  it("use exactly these members, in exactly these files", () => {
    expect(lambdaFunctionUses(join(offline.dir, "src"))).toEqual(expected);
  });
});

describe("serverless-offline's pool and log utilities driving the local runner", () => {
  const codeDir = mkdtempSync(join(tmpdir(), "offline-contract-"));
  const FUNCTION_NAME = "contract-dev-counter";
  const IDLE_MS = 200;
  const definition = { handler: "counter.handler", name: FUNCTION_NAME };
  const notices: string[] = [];
  const warnings: string[] = [];
  let runner: FunctionRunner;
  let LambdaFunction: LambdaFunctionClass;
  let pool: Pool;
  let logModule: LogModule;

  beforeAll(async () => {
    // A bundle as serverless-esbuild writes one: CommonJS, with module state.
    writeFileSync(
      join(codeDir, "counter.js"),
      `"use strict";
const instance = Math.random().toString(36).slice(2);
let calls = 0;
exports.handler = async (event) => ({ instance, calls: ++calls, event });`,
    );
    logModule = await importOffline<LogModule>("utils", "log.js");
    const record =
      (into: string[]) =>
      (...args: unknown[]) =>
        into.push(args.join(" "));
    await quietRequestNotices(offline, {
      log: {
        debug: () => {},
        error: record(warnings),
        info: () => {},
        notice: record(notices),
        verbose: () => {},
        warning: record(warnings),
      },
      progress: undefined,
    });
    runner = await runFunctionsInSandboxes(
      offline,
      new Map([
        [
          FUNCTION_NAME,
          {
            key: "counter",
            name: FUNCTION_NAME,
            handler: definition.handler,
            timeoutMs: 5_000,
            memorySize: 128,
            region: "us-east-1",
            env: {},
            reservedConcurrency: undefined,
          },
        ],
      ]),
      codeDir,
      // Module instances idle this long are dropped by the runner (the local cloud passes
      // serverless-offline's terminateIdleLambdaTime): the last test waits for it.
      { idleMs: IDLE_MS, log: () => {} },
    );
    ({ default: LambdaFunction } = await importOffline<{ default: LambdaFunctionClass }>(
      "lambda",
      "LambdaFunction.js",
    ));
    const { default: LambdaFunctionPool } = await importOffline<{
      default: new (serverless: object, options: object) => Pool;
    }>("lambda", "LambdaFunctionPool.js");
    // What serverless hands serverless-offline: the parts a LambdaFunction's constructor reads.
    const serverless = {
      service: {
        service: "contract",
        provider: { region: "us-east-1", runtime: "nodejs24.x", environment: {} },
        package: {},
      },
      config: { serverlessPath: codeDir, servicePath: codeDir },
    };
    pool = new LambdaFunctionPool(serverless, { terminateIdleLambdaTime: 0.2 });
  });

  const counterState = () => {
    const state = runner.functionStates().find((fn) => fn.name === FUNCTION_NAME);
    if (!state) throw new Error(`the runner has no ${FUNCTION_NAME}`);
    return state;
  };

  afterAll(async () => {
    await pool?.cleanup();
    await runner?.close();
    rmSync(codeDir, { recursive: true, force: true });
  });

  it("hands out LambdaFunctions of the class the runner took over, named by the definition", () => {
    const fn = pool.get("counter", definition);
    expect(fn).toBeInstanceOf(LambdaFunction);
    expect(fn.functionName).toBe(FUNCTION_NAME);
    // nodejs24.x is a runtime this release knows: its constructor warns of no other.
    expect(warnings).toEqual([]);
  });

  it("runs the handler through the runner, and reuses an instance the runner says is idle", async () => {
    const first = pool.get("counter", definition);
    first.setClientContext({ custom: "context" });
    first.setEvent({ n: 1 });
    expect(first.status).toBe("BUSY");
    // The pool reads the runner's status: a busy instance is not handed out again.
    const second = pool.get("counter", definition);
    expect(second).not.toBe(first);
    const one = (await first.runHandler()) as { instance: string; calls: number; event: unknown };
    expect(one.event).toEqual({ n: 1 });
    expect(first.status).toBe("IDLE");
    expect(first.idleTimeInMillis).toBeGreaterThanOrEqual(0);
    expect(pool.get("counter", definition)).toBe(first);
    first.setEvent({ n: 2 });
    const two = (await first.runHandler()) as { instance: string; calls: number };
    expect(two).toMatchObject({ instance: one.instance, calls: 2 }); // warm, same module
    expect(counterState().window.coldStartsTotal).toBe(1);
  });

  it("drops idle instances on its timer through the runner's cleanup", async () => {
    const warm = pool.get("counter", definition);
    pool.start();
    const until = Date.now() + 10_000;
    while (pool.get("counter", definition) === warm && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fresh = pool.get("counter", definition);
    expect(fresh).not.toBe(warm);
    // The module instance behind it goes on the runner's own idle timer (Lambda's rule: an
    // instance idle for the idle time is gone, whichever carrier serverless-offline holds).
    while (counterState().instances > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fresh.setEvent({});
    expect(await fresh.runHandler()).toMatchObject({ calls: 1 }); // a cold start
  });

  it("has the log utilities the local cloud replaces: setLogUtils and the six log levels", () => {
    expect(typeof logModule.setLogUtils).toBe("function");
    expect(logModule.setLogUtils.length).toBe(1);
    const levels = ["debug", "error", "info", "notice", "verbose", "warning"];
    expect(Object.keys(logModule.log).sort()).toEqual(levels);
  });

  it("routes its log notices through the filter the local cloud installs", () => {
    const before = notices.length;
    logModule.log.notice("GET /dev/rng/32 (λ: rng)"); // a per-request notice: dropped
    logModule.log.notice("Scheduling [supervisor] cron: [*/1 * * * *]");
    expect(notices.slice(before)).toEqual(["Scheduling [supervisor] cron: [*/1 * * * *]"]);
  });
});

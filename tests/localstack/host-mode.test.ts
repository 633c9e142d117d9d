import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStackSettings, localStackTokens } from "../../common/command-environment";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { processesRunning, stillRunning } from "../../localstack/scripts/host/processes";
import { type HostState, readState, statePaths } from "../../localstack/scripts/host/state";
import { eventually } from "../support/launcher";
import { runLocalStackScript, type ScriptRun } from "../support/localstack-run";
import { listeningAddresses, portIsClosed } from "../support/net";
import { checkWall } from "./wall-checks";

// The `local` stage on a real LocalStack, natively (host mode), from scratch: up, deploy,
// smoke (the whole flow, the DLQ, the schedule, the dashboard in Chromium, GET /cloud against the processes and INIT_START lines), LocalStack killed
// while mining and started again with its server-side patches off (HOST_EXECUTOR_PATCHES=0:
// deploy:local's fixes through the AWS API, what Docker mode relies on, must do their work),
// a deploy, an update deploy and smoke again, remove, down. On free ports and in a state folder of its
// own, so it neither meets nor disturbs a LocalStack the developer runs. Nothing is mocked.
const stateDir = mkdtempSync(join(tmpdir(), "dockercoins-localstack-"));
let env: Record<string, string>;
let ports: { localstack: number; bridge: number };
const figures: Record<string, string> = {};
/** What deploy:local must say ran the nodejs24.x functions: a Node 24 when one is installed
 * where the executor looks (localstack/host/src/localstack_host_executor/node.py). */
const cacheDir = localStackSettings().cacheDir;
const node24Installed =
  existsSync(cacheDir) &&
  readdirSync(cacheDir).some(
    (name) =>
      /^node24-\d+\.\d+\.\d+$/.test(name) &&
      existsSync(join(cacheDir, name, "node_modules", ".bin", "node")),
  );
const RAN_ON = node24Installed
  ? /functions ran on: nodejs24\.x on host node v24\.[^;]*$/m
  : /functions ran on: nodejs24\.x on host node v\d+\..*not the runtime's major/m;

const run = (
  command: string,
  timeoutMs: number,
  log = `${command}.log`,
  extraEnv: Record<string, string> = {},
) => runLocalStackScript(command, { ...env, ...extraEnv }, { timeoutMs, log });
/** A line the script printed, from its `[localstack] ` prefix on. */
const said = (result: ScriptRun, pattern: RegExp) => pattern.exec(result.output)?.[1];
const state = (): HostState => {
  const found = readState(stateDir);
  if (found === undefined) throw new Error(`no state in ${stateDir}`);
  return found;
};

beforeAll(async () => {
  ports = { localstack: await freePort(), bridge: await freePort() };
  env = {
    LOCALSTACK_MODE: "host",
    LOCALSTACK_ENDPOINT: `http://127.0.0.1:${ports.localstack}`,
    LOCALSTACK_BRIDGE_PORT: String(ports.bridge),
    LOCALSTACK_STATE_DIR: stateDir,
  };
});

afterAll(async () => {
  // Whatever failed above: stop what the state lists, then report what was measured.
  if (readState(stateDir) !== undefined) await run("down", 120_000, "down-after-all.log");
  rmSync(stateDir, { recursive: true, force: true });
  const out = join(projectRoot, "test-results", "localstack");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`LocalStack host mode figures: ${JSON.stringify(figures)}`);
});

describe("the local stage on LocalStack in host mode", () => {
  it("localstack:up starts LocalStack natively and the Redis bridge, on loopback only", async () => {
    const up = await run("up", 600_000);
    expect(up.code, up.output).toBe(0);
    expect(up.output).toContain("host mode (LOCALSTACK_MODE=host)");
    figures.virtualenvInstall = said(up, /virtualenv ready in (\d+ s)/) ?? "cached";
    figures.localstackStart =
      said(up, /LocalStack 4\.13\.1 is healthy on \S+ after ([\d.]+ s)/) ?? "?";
    expect(figures.localstackStart).not.toBe("?");
    expect(listeningAddresses(ports.localstack)).toEqual(["127.0.0.1"]);
    expect(listeningAddresses(ports.bridge)).toEqual(["127.0.0.1"]);
    expect(listeningAddresses(state().bridge.redisPort)).toEqual(["127.0.0.1"]);

    const again = await run("up", 60_000, "up-again.log");
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(
      `host mode already runs (LocalStack pid ${state().localstack.pid}`,
    );
  });

  it("deploy:local deploys the unchanged serverless.yml and starts the workers", async () => {
    const deploy = await run("deploy", 180_000);
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain("--param=functionsRunOn=host");
    figures.deploy = said(deploy, /deployed in ([\d.]+ s)/) ?? "?";
    figures.firstHashAfterKick =
      said(deploy, /hash counter rose ([\d.]+ s) after the kick/) ?? "none";
    expect(figures.firstHashAfterKick).not.toBe("none");
    // The server-side patches did it: nothing left for the API-side fixes.
    expect(deploy.output).toContain(
      "reserved concurrency and the API stage are as the template says",
    );
    expect(deploy.output).toMatch(RAN_ON);
    figures.functionsRanOn = said(deploy, /functions ran on: (.*)$/m) ?? "?";
  });

  it("smoke:local passes: API, rates with 1 and 2 replicas, DLQ, schedule, dashboard", async () => {
    const smoke = await run("smoke", 300_000);
    expect(smoke.code, smoke.output).toBe(0);
    for (const check of [
      "✓ rng",
      "✓ hasher",
      "✓ /json",
      "✓ the worker's SQS event source mapping",
      "✓ one replica",
      "✓ scale 2",
      "✓ site",
      "✓ dashboard in headless Chromium",
      "✓ GET /cloud: instances = node processes",
      "✓ the poison ticket reached the DLQ",
      "✓ the EventBridge schedule ran the supervisor",
      "✓ functions ran on: nodejs24.x on host node",
    ]) {
      expect(smoke.output).toContain(check);
    }
    figures.oneReplica = said(smoke, /one replica mines ([\d.]+) hashes\/s/) ?? "?";
    figures.twoReplicas = said(smoke, /scale 2: ([\d.]+) hashes\/s/) ?? "?";
    figures.cloudReport = said(smoke, /✓ GET \/cloud: (.*)$/m) ?? "?";
    // After a fresh deploy no runtime process ended before its first invocation did, so each
    // function's cold starts equal its INIT_START lines (after an update deploy, "at least").
    const pairs = (said(smoke, /cold starts \/ INIT_START lines \(([^)]*)\)/) ?? "").split(", ");
    expect(pairs).toHaveLength(6);
    for (const pair of pairs) {
      const [, coldStarts, lines] = /(\d+)\/(\d+)$/.exec(pair) ?? [];
      expect(coldStarts, pair).toBe(lines);
    }
  });

  it("its wall: a foreign Origin or Host gets 403 before the API, SQS, S3 or the bridge; the dashboard's origins get in", async () => {
    const endpoint = env.LOCALSTACK_ENDPOINT as string;
    const { scaleToken } = localStackTokens(localStackSettings({ ...process.env, ...env }));
    figures.wallRefused = await checkWall(endpoint, scaleToken, state().bridge);
  });

  it("LocalStack killed while mining: deploy says so fast; up and deploy again leave nothing behind", async () => {
    const before = state();
    expect(processesRunning(before.runtimeJs).length).toBeGreaterThan(0);
    process.kill(before.localstack.pid, "SIGKILL");
    // Its function processes watch their parent and exit.
    await eventually(
      async () => (processesRunning(before.runtimeJs).length === 0 ? true : undefined),
      5_000,
      "the function processes of the killed LocalStack to exit",
    );
    const refused = await run("deploy", 30_000, "deploy-killed.log");
    expect(refused.code).toBe(1);
    expect(refused.ms).toBeLessThan(10_000);
    expect(refused.output).toContain(`LocalStack (pid ${before.localstack.pid}) is gone`);

    const up = await run("up", 120_000, "up-after-kill.log", { HOST_EXECUTOR_PATCHES: "0" });
    expect(up.code, up.output).toBe(0);
    expect(up.output).toContain("an earlier host-mode start is partly gone");
    const after = state();
    expect(after.localstack.pid).not.toBe(before.localstack.pid);
    expect(stillRunning(before.bridge)).toBe(false);
    if (before.bridge.redisPort !== after.bridge.redisPort) {
      expect(await portIsClosed(before.bridge.redisPort)).toBe(true);
    }
    const deploy = await run("deploy", 180_000, "deploy-after-kill.log");
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain("mining: the hash counter rose");
    // Patches off: CloudFormation dropped rng's reserved concurrency; the deploy set it.
    expect(deploy.output).toContain(
      "fixed through the AWS API: dockercoins-local-rng: reserved concurrency set to 1 (was none)",
    );
  });

  it("server-side patches off: an update deploy loses the live stage, deploy:local restores it, smoke:local passes", async () => {
    // --force: serverless skips a deploy with no changes; this one must update the stack.
    const update = await runLocalStackScript("deploy", env, {
      timeoutMs: 180_000,
      log: "deploy-update-patches-off.log",
      args: ["--force"],
    });
    expect(update.code, update.output).toBe(0);
    expect(update.output).toMatch(
      /stage local was gone \(deleted with the previous deployment\); created again on deployment \w+/,
    );
    expect(update.output).toContain("mining: the hash counter rose");
    const smoke = await run("smoke", 300_000, "smoke-patches-off.log");
    expect(smoke.code, smoke.output).toBe(0);
    for (const check of ["✓ rng's reserved concurrency is 1", "✓ one replica", "✓ scale 2"]) {
      expect(smoke.output).toContain(check);
    }
    figures.oneReplicaPatchesOff = said(smoke, /one replica mines ([\d.]+) hashes\/s/) ?? "?";
    figures.twoReplicasPatchesOff = said(smoke, /scale 2: ([\d.]+) hashes\/s/) ?? "?";
  });

  it("remove:local removes the stack, and its functions' processes end", async () => {
    const { runtimeJs } = state();
    const remove = await run("remove", 180_000);
    expect(remove.code, remove.output).toBe(0);
    expect(remove.output).toContain("stage local removed");
    await eventually(
      async () => (processesRunning(runtimeJs).length === 0 ? true : undefined),
      10_000,
      "the function processes to end",
    );
  });

  it("localstack:down stops everything: no process, no port, no state", async () => {
    const last = state();
    const down = await run("down", 120_000);
    expect(down.code, down.output).toBe(0);
    expect(down.output).toContain("no process or port of it is left");
    expect(stillRunning(last.localstack)).toBe(false);
    expect(stillRunning(last.bridge)).toBe(false);
    expect(processesRunning(stateDir)).toEqual([]);
    for (const port of [last.localstack.port, last.bridge.port, last.bridge.redisPort]) {
      expect(await portIsClosed(port)).toBe(true);
    }
    expect(readState(stateDir)).toBeUndefined();
    // LocalStack's files (the unpacked functions, its volume) go with it; the logs stay.
    expect(existsSync(statePaths(stateDir).tmp)).toBe(false);
    expect(existsSync(join(statePaths(stateDir).logs, "localstack.log"))).toBe(true);
  });

  it("deploy:local and smoke:local with LocalStack down fail within 10 s, naming what is missing", async () => {
    for (const command of ["deploy", "smoke"]) {
      const result = await run(command, 30_000, `${command}-down.log`);
      expect(result.code).toBe(1);
      expect(result.ms).toBeLessThan(10_000);
      expect(result.output).toContain("✖ no host-mode LocalStack runs for this clone");
      expect(result.output).toContain("npm run localstack:up");
    }
  });
});

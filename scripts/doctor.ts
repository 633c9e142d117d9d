/**
 * `npm run doctor`: is this machine ready for the README's commands? Checks, without starting
 * anything, Node, npm, redis-server (or REDIS_URL), a Chromium or Chrome, the ports `npm start`
 * binds, and, optional, the Python of LocalStack's host mode and a Docker engine. One line
 * each: ✓ with the version and path, or ✗ with this system's install command and the setting
 * that points elsewhere. Exit 0 when `npm start` and `npm test` can run, else 1; `--json` for
 * scripts. The checks are in scripts/doctor/, pure; this file only gathers the facts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findOnPath } from "../common/browser/browser-lookup";
import { lookUpHostBrowser } from "../common/browser/chromium";
import { localStackSettings } from "../common/command-environment";
import { hostFileSystem, hostPlatform } from "../common/host-system";
import { projectRoot } from "../common/project";
import { nodeCheck } from "./doctor/node";
import { type PortNeed, PortPlanError, portCheck, portNeeds, portPlanCheck } from "./doctor/ports";
import {
  dockerEngine,
  portState,
  programOutput,
  pythonForHostMode,
  redisAnswers,
  redisPortState,
} from "./doctor/probes";
import { type CheckResult, exitCode, formatReport, jsonReport } from "./doctor/report";
import {
  browserCheck,
  browserVersion,
  dockerCheck,
  type Found,
  npmCheck,
  npmFromEnvironment,
  pythonCheck,
  redisChecks,
  redisVersion,
} from "./doctor/tools";

export const label = "doctor:";

async function npmFound(): Promise<Found | undefined> {
  const fromNpm = npmFromEnvironment(process.env);
  if (fromNpm) return fromNpm;
  const path = findOnPath("npm", process.env, hostFileSystem);
  return path ? { path, version: await programOutput(path, ["--version"]) } : undefined;
}

export async function main(args: string[]): Promise<void> {
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length > 0) {
    console.error(`usage: npm run doctor [-- --json]   (unknown: ${unknown.join(" ")})`);
    process.exit(2);
  }
  const env = process.env;
  const platform = hostPlatform();
  const browser = lookUpHostBrowser(env);
  const redisServer = findOnPath("redis-server", env, hostFileSystem);
  const redisUrl = env.REDIS_URL || undefined;
  let ports: PortNeed[] = [];
  let portPlanError: PortPlanError | undefined;
  try {
    ports = portNeeds(readFileSync(join(projectRoot, "serverless.yml"), "utf8"), env);
  } catch (err) {
    if (!(err instanceof PortPlanError)) throw err;
    portPlanError = err;
  }
  // Every probe at once: the slowest (a browser's --version) sets the time, about 0.5 s.
  const [npm, redisOutput, urlAnswer, browserOutput, python, docker, portChecks] =
    await Promise.all([
      npmFound(),
      redisServer ? programOutput(redisServer, ["--version"]) : undefined,
      redisUrl ? redisAnswers(redisUrl) : undefined,
      browser.found ? programOutput(browser.path, ["--version"]) : undefined,
      pythonForHostMode(localStackSettings(env).python),
      dockerEngine(),
      Promise.all(
        ports.map(async (need) =>
          portCheck(
            need,
            await (need.key === "redisPort" ? redisPortState(need.port) : portState(need.port)),
          ),
        ),
      ),
    ]);
  const checks: CheckResult[] = [
    nodeCheck({ version: process.version, path: process.execPath, today: new Date(), platform }),
    npmCheck(npm, platform),
    ...redisChecks({
      server: redisServer ? { path: redisServer, version: redisVersion(redisOutput) } : undefined,
      redisUrl,
      urlAnswer,
      platform,
    }),
    browserCheck(browser, browserVersion(browserOutput), platform),
    ...(portPlanError ? [portPlanCheck(portPlanError)] : []),
    ...portChecks,
    pythonCheck({ ...python, platform }),
    dockerCheck({ cli: findOnPath("docker", env, hostFileSystem), engine: docker, platform }),
  ];
  console.log(
    args.includes("--json")
      ? JSON.stringify(jsonReport(checks, platform.name), null, 2)
      : formatReport(checks, platform.name),
  );
  process.exitCode = exitCode(checks);
}

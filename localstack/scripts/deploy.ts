/**
 * `npm run deploy:local`: deploys the `local` stage to the LocalStack that runs (Docker or
 * host mode, mode.ts) with serverless-localstack, builds the dashboard (`npm run build:site`,
 * into dist/site/), uploads it to the site bucket with the API's URL in config.json, starts
 * the workers, and prints the URLs. The same serverless.yml either way: what host mode
 * changes is in the stage's parameters (hostModeParams), not in the functions.
 */
import { join } from "node:path";
import {
  childEnvironment,
  localStackSettings,
  localStackTokens,
} from "../../common/command-environment";
import type { LocalTokens } from "../../common/local-tokens";
import { deployedSiteConfig } from "../../common/site-build";
import { describeFunctionsNode, functionsNode } from "./functions-node";
import { runningTarget } from "./mode";
import { CommandFailedError, run, say } from "./preflight";
import { localS3, uploadSite } from "./site";
import { checkHashesRise, readHashes, SmokeCheckError } from "./smoke-checks";
import {
  apiUrl,
  kickSupervisor,
  localStackEndpoint,
  pathStyleSiteUrl,
  projectRoot,
  SITE_BUCKET,
  STAGE,
  websiteUrl,
} from "./stack";
import { applyStackFixes } from "./stack-fixes";

export const serverlessBin = join(
  projectRoot,
  "node_modules",
  "serverless",
  "bin",
  "serverless.js",
);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
/** How long the deploy waits to see the first hash counted (it only reports it). */
const FIRST_HASH_WITHIN_MS = 60_000;
const FIRST_HASH_POLL_MS = 250;
/** How long the deploy looks for the functions' INIT_START lines (logs ship asynchronously). */
const NODE_REPORT_WITHIN_MS = 10_000;
/** The functions the workers' start has run by then. */
const STARTED_FUNCTIONS = ["supervisor", "worker", "rng", "hasher", "webui"] as const;

/** Host mode: functions are processes of this machine, so they reach all by loopback. */
export function hostModeParams(bridgeUrl: string, endpoint: string): string[] {
  return [
    "--param=functionsRunOn=host",
    // Host mode turns LocalStack's Lambda metrics off (HOST_EXECUTOR_LAMBDA_METRICS=0): the
    // webui's GET /cloud reads the host executor's own figures instead.
    "--param=cloudMetrics=localstack-host",
    // Its figures are per second and cost nothing: the Cloud panel reads them live.
    "--param=cloudCacheMs=1000",
    `--param=redisRestUrl=${bridgeUrl}`,
    `--param=apiBaseUrl=${apiUrl(endpoint)}`,
  ];
}

/** The variables serverless.yml's params.local reads the stage's tokens from. */
export function localStageTokenVariables(tokens: LocalTokens): Record<string, string> {
  return { SRH_TOKEN: tokens.redisRestToken, SCALE_TOKEN: tokens.scaleToken };
}

/**
 * serverless-localstack reads AWS_ENDPOINT_URL; LocalStack takes any credentials. The stage's
 * tokens (params.local reads SRH_TOKEN and SCALE_TOKEN) are the random ones `localstack:up`
 * made and kept in LocalStack's state folder.
 */
export function serverlessEnvironment(endpoint: string, tokens: LocalTokens): NodeJS.ProcessEnv {
  return childEnvironment({
    ...localStageTokenVariables(tokens),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    SLS_TELEMETRY_DISABLED: "1",
  });
}

/** What `npm run deploy:local -- <flags>` passes on to `serverless deploy`: `--force` deploys
 * (an update of every resource, a new API deployment) even when nothing changed. */
const SERVERLESS_FLAGS = ["--force"];

export async function main(args: string[] = []): Promise<void> {
  const flags = args.filter((a) => a !== "--");
  const unknown = flags.filter((a) => !SERVERLESS_FLAGS.includes(a));
  if (unknown.length > 0) {
    throw new CommandFailedError(
      `deploy:local takes only ${SERVERLESS_FLAGS.join(", ")}, not ${unknown.join(" ")}`,
    );
  }
  say("checking for a healthy LocalStack");
  const target = await runningTarget(localStackSettings(), localStackEndpoint());
  const { endpoint } = target;
  say(
    `LocalStack ${target.version} on ${endpoint} (${target.mode} mode); deploying stage ${STAGE}`,
  );
  const started = Date.now();
  const params =
    target.mode === "host" ? hostModeParams(target.state.bridge.url, target.state.endpoint) : [];
  await run(process.execPath, [serverlessBin, "deploy", "--stage", STAGE, ...params, ...flags], {
    cwd: projectRoot,
    env: serverlessEnvironment(endpoint, localStackTokens()),
  });
  say(`deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // LocalStack's CloudFormation drops reserved concurrency and (4.13.1) an update deletes the
  // live stage: checked and fixed through the AWS API (stack-fixes.ts).
  const fixed = await applyStackFixes(endpoint);
  say(
    fixed.length === 0
      ? "reserved concurrency and the API stage are as the template says (nothing to fix)"
      : `fixed through the AWS API: ${fixed.join("; ")}`,
  );

  say("building the dashboard (npm run build:site)");
  await run(npm, ["run", "build:site"], { cwd: projectRoot });
  const api = apiUrl(endpoint);
  say(`uploading dist/site/ to s3://${SITE_BUCKET} (path-style), config.json → ${api}`);
  const uploaded = await uploadSite(
    localS3(endpoint),
    SITE_BUCKET,
    join(projectRoot, "dist", "site"),
    // The webui function serves GET /cloud there (LocalStack community's CloudWatch: what it has).
    deployedSiteConfig(api),
  );
  say(`uploaded ${uploaded.files} files, ${uploaded.bytes} bytes`);

  // The schedule fires within a minute; one kick starts the workers now, as `npm start` does.
  say("starting the workers (one supervisor run)");
  const before = await readHashes(api, FIRST_HASH_WITHIN_MS);
  const kicked = Date.now();
  await kickSupervisor(endpoint);
  const rose = await checkHashesRise(api, {
    from: before,
    timeoutMs: FIRST_HASH_WITHIN_MS,
    pollMs: FIRST_HASH_POLL_MS,
    requestTimeoutMs: FIRST_HASH_WITHIN_MS,
  }).then(
    () => true,
    (err: unknown) => {
      if (err instanceof SmokeCheckError) return false;
      throw err;
    },
  );
  say(
    rose
      ? `mining: the hash counter rose ${((Date.now() - kicked) / 1000).toFixed(1)} s after the kick`
      : `no hash counted within ${FIRST_HASH_WITHIN_MS / 1000} s: look at the worker's logs`,
  );

  const node = await functionsNode(endpoint, STARTED_FUNCTIONS, NODE_REPORT_WITHIN_MS);
  say(
    node.lines.length === 0 && target.mode === "docker"
      ? "functions run in LocalStack's Lambda containers (its image for the declared runtime)"
      : `functions ran on: ${describeFunctionsNode(node)}`,
  );

  say("deployed:");
  say(`  dashboard   ${websiteUrl(endpoint)}`);
  say(`              ${pathStyleSiteUrl(endpoint)}  (the same, without DNS)`);
  say(`  api         ${api}  (rng/32, hasher, json, workers)`);
  if (target.mode === "docker") {
    say("the first calls start Lambda containers (the first run pulls the Node.js 24 image)");
  }
  say("next: npm run smoke:local");
}

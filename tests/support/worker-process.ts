import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import type { LocalCloud } from "./local-cloud";
import { LOCAL_TOKEN, projectRoot } from "./local-cloud";

/**
 * Runs the worker function in a process of its own, outside serverless-offline, against a
 * running local cloud: a replica whose process a test can kill mid-slice (SIGKILL), as a
 * Lambda sandbox can die. The handler is the real one, bundled as serverless-esbuild does.
 */
export function startWorkerProcess(
  cloud: LocalCloud,
  ticket: { replica: number; id: string },
  env: Record<string, string>,
): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), "dockercoins-worker-"));
  const bundle = join(dir, "worker.js");
  buildSync({
    entryPoints: [join(projectRoot, "functions", "worker", "handler.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
  const runner = join(dir, "run.js");
  writeFileSync(
    runner,
    `const { handler } = require(${JSON.stringify(bundle)});
const ticket = ${JSON.stringify(ticket)};
const deadline = Date.now() + 60_000;
handler(
  { Records: [{ messageId: "external", receiptHandle: "x", body: JSON.stringify(ticket),
    attributes: { ApproximateReceiveCount: "1" }, messageAttributes: {}, eventSource: "aws:sqs" }] },
  { getRemainingTimeInMillis: () => deadline - Date.now() },
).then((r) => console.log(JSON.stringify(r)));
`,
  );
  return spawn(process.execPath, [runner], {
    env: {
      ...process.env,
      UPSTASH_REDIS_REST_URL: cloud.bridgeUrl,
      UPSTASH_REDIS_REST_TOKEN: LOCAL_TOKEN,
      WORKER_QUEUE_URL: `${cloud.sqsEndpoint}/000000000000/dockercoins-dev-worker-tickets`,
      API_BASE_URL: cloud.apiUrl,
      AWS_ENDPOINT_URL_SQS: cloud.sqsEndpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ...env,
    },
    // Its own log lines are not needed: the test watches Redis. Errors still show.
    stdio: ["ignore", "ignore", "inherit"],
  });
}

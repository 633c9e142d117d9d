import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { childEnvironment } from "../../common/command-environment";
import { projectRoot } from "../../common/project";
import type { LocalCloud } from "./launcher";

/**
 * Runs the worker function in a process of its own, outside serverless-offline, against a
 * running local cloud: a replica whose process a test can kill mid-slice (SIGKILL), as a
 * Lambda sandbox can die. The handler is the real one (tests/support/worker-turn.ts).
 */
export function startWorkerProcess(
  cloud: LocalCloud,
  ticket: { replica: number; id: string },
  env: Record<string, string>,
): ChildProcess {
  const runner = join(projectRoot, "common", "run-ts.cjs");
  const turn = join(projectRoot, "tests", "support", "worker-turn.ts");
  return spawn(process.execPath, [runner, turn, JSON.stringify(ticket)], {
    env: {
      ...childEnvironment(),
      UPSTASH_REDIS_REST_URL: cloud.bridgeUrl,
      UPSTASH_REDIS_REST_TOKEN: cloud.tokens.redisRestToken,
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

/**
 * `npm run remove:local`: empties the site bucket (CloudFormation cannot delete a bucket that
 * holds objects), then removes the `local` stack from LocalStack. LocalStack keeps running.
 *
 * osls's `remove` ends by checking for the stack's ECR repository, which LocalStack community
 * does not serve (501, "not included in your current license plan"); osls tolerates only
 * "not found" and "access denied" there, so it fails after the stack is gone. Exactly that
 * failure, with the stack verified deleted, counts as success.
 */
import { spawn } from "node:child_process";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { localStackSettings, localStackTokens } from "../../common/command-environment";
import { serverlessBin, serverlessEnvironment } from "./deploy";
import { runningTarget } from "./mode";
import { CommandFailedError, say } from "./preflight";
import { emptyBucket, localS3 } from "./site";
import {
  clientOptions,
  localStackEndpoint,
  projectRoot,
  SITE_BUCKET,
  STACK_NAME as STACK,
  STAGE,
} from "./stack";

/** What osls prints when LocalStack community refuses its ECR call. */
const ECR_NOT_SERVED =
  /ecr is either not included in your current license plan|ECR.*501|InternalFailure.*ecr/i;

/** Runs `serverless remove`, echoing its output; resolves with its exit code and output. */
function serverlessRemove(endpoint: string): Promise<{ code: number; output: string }> {
  const args = [serverlessBin, "remove", "--stage", STAGE];
  say(`$ ${[process.execPath, ...args].join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: serverlessEnvironment(endpoint, localStackTokens()),
    });
    let output = "";
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      stream.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        sink.write(chunk);
      });
    }
    child.once("error", (err) =>
      reject(new CommandFailedError(`serverless could not start: ${err.message}`)),
    );
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** True once CloudFormation no longer lists the stack (or lists it deleted). */
async function stackGone(endpoint: string): Promise<boolean> {
  const cloudFormation = new CloudFormationClient(clientOptions(endpoint));
  try {
    const { Stacks = [] } = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: STACK }),
    );
    return Stacks.every((stack) => stack.StackStatus === "DELETE_COMPLETE");
  } catch (err) {
    if (/does not exist/.test((err as Error).message)) return true;
    throw err;
  }
}

export async function main(): Promise<void> {
  say("checking for a healthy LocalStack");
  const { endpoint, mode } = await runningTarget(localStackSettings(), localStackEndpoint());
  const deleted = await emptyBucket(localS3(endpoint), SITE_BUCKET);
  say(`emptied s3://${SITE_BUCKET} (${deleted} objects)`);
  const { code, output } = await serverlessRemove(endpoint);
  if (code !== 0) {
    if (!ECR_NOT_SERVED.test(output) || !(await stackGone(endpoint))) {
      throw new CommandFailedError(`serverless remove failed (${code})`);
    }
    say(
      `the stack is deleted; serverless's ECR check failed as LocalStack community has no ECR (ignored)`,
    );
  }
  say(
    `stage ${STAGE} removed; LocalStack still runs (${mode} mode; npm run localstack:down stops it)`,
  );
}

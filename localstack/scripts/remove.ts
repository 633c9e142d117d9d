/**
 * `npm run remove:local`: empties the site bucket (CloudFormation cannot delete a bucket that
 * holds objects), then removes the `local` stack from LocalStack. LocalStack keeps running.
 */

import { join } from "node:path";
import { childEnvironment } from "../../scripts/environment";
import { requireDocker, requireLocalStack, run, say } from "./preflight";
import { emptyBucket, localS3 } from "./site";
import { localStackEndpoint, projectRoot, SITE_BUCKET, STAGE } from "./stack";

const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");

export async function main(): Promise<void> {
  const endpoint = localStackEndpoint();
  say("checking for Docker and a healthy LocalStack");
  await requireDocker();
  await requireLocalStack(endpoint);
  const deleted = await emptyBucket(localS3(endpoint), SITE_BUCKET);
  say(`emptied s3://${SITE_BUCKET} (${deleted} objects)`);
  await run(process.execPath, [serverlessBin, "remove", "--stage", STAGE], {
    cwd: projectRoot,
    env: childEnvironment({ AWS_ENDPOINT_URL: endpoint }),
  });
  say(`stage ${STAGE} removed; LocalStack still runs (npm run localstack:down stops it)`);
}

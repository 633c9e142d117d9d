/**
 * `npm run deploy:local`: deploys the `local` stage to LocalStack (serverless-localstack),
 * builds the dashboard (`npm run build:site`, into dist/site/), uploads it to the site bucket
 * with the API's URL in config.json, starts the workers, and prints the URLs.
 */
import { join } from "node:path";
import { childEnvironment } from "../../scripts/environment";
import { requireDocker, requireLocalStack, run, say } from "./preflight";
import { localS3, uploadSite } from "./site";
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

const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export async function main(): Promise<void> {
  const endpoint = localStackEndpoint();
  say("checking for Docker and a healthy LocalStack");
  await requireDocker();
  const version = await requireLocalStack(endpoint);
  say(`LocalStack ${version} on ${endpoint}; deploying stage ${STAGE}`);
  // serverless-localstack reads AWS_ENDPOINT_URL: the same LocalStack as the checks above.
  await run(process.execPath, [serverlessBin, "deploy", "--stage", STAGE], {
    cwd: projectRoot,
    env: childEnvironment({ AWS_ENDPOINT_URL: endpoint }),
  });

  say("building the dashboard (npm run build:site)");
  await run(npm, ["run", "build:site"], { cwd: projectRoot });
  const api = apiUrl(endpoint);
  say(`uploading dist/site/ to s3://${SITE_BUCKET} (path-style), config.json → ${api}`);
  const uploaded = await uploadSite(
    localS3(endpoint),
    SITE_BUCKET,
    join(projectRoot, "dist", "site"),
    {
      apiBase: api,
    },
  );
  say(`uploaded ${uploaded.files} files, ${uploaded.bytes} bytes`);

  // The schedule fires within a minute; one kick starts the workers now, as `npm start` does.
  say("starting the workers (one supervisor run)");
  await kickSupervisor(endpoint);

  say("deployed:");
  say(`  dashboard   ${websiteUrl(endpoint)}`);
  say(`              ${pathStyleSiteUrl(endpoint)}  (the same, without DNS)`);
  say(`  api         ${api}  (rng/32, hasher, json, workers)`);
  say("the first calls start Lambda containers (the first run pulls the Node.js 22 image)");
  say("next: npm run smoke:local");
}

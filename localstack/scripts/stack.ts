/**
 * Names and URLs of the `local` stage on LocalStack, in one place for every script. They must
 * agree with serverless.yml (params.local) and docker-compose.yml: the template and compose
 * tests (tests/integration/) check that they do.
 */
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { type ScriptSettings, scriptSettings } from "../../common/command-environment";
import { projectRoot } from "../../common/project";

export { projectRoot };
export const composeDir = join(projectRoot, "localstack");

export const SERVICE = "dockercoins";
export const STAGE = "local";
/** serverless's stack name for the stage. */
export const STACK_NAME = `${SERVICE}-${STAGE}`;
const REGION = "us-east-1";

/** What every AWS SDK client of these scripts is given: LocalStack accepts any credentials. */
export const clientOptions = (endpoint: string) => ({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
/** The `_custom_id_` tag of the REST API (params.local.restApiTags): its id, so URLs are stable. */
export const REST_API_ID = SERVICE;
/** params.local.siteBucketName */
export const SITE_BUCKET = `${SERVICE}-site`;
/** The compose network that LAMBDA_DOCKER_NETWORK names: Lambda containers join it. */
export const DOCKER_NETWORK = "dockercoins";
/** What functions use inside that network (params.local): service names, never localhost. */
export const SRH_URL_IN_NETWORK = "http://srh:80";
export const API_BASE_IN_NETWORK = `http://localstack:4566/_aws/execute-api/${REST_API_ID}/${STAGE}`;
/** docker-compose.yml's volumes (named there): LocalStack's files, and Redis's data. */
export const LOCALSTACK_VOLUME = "dockercoins-localstack-data";
export const REDIS_VOLUME = "dockercoins-redis-data";

/**
 * The docker commands of `localstack:down`: the containers and the network go, and
 * LocalStack's volume; Redis's volume stays for the next `up` (as a managed Redis keeps its
 * data) unless `reset`.
 */
export function composeDownCommands(files: readonly string[], reset: boolean): string[][] {
  const compose = ["compose", ...files.flatMap((f) => ["-f", f])];
  if (reset) return [[...compose, "down", "--volumes", "--remove-orphans"]];
  return [
    [...compose, "down", "--remove-orphans"],
    ["volume", "rm", "--force", LOCALSTACK_VOLUME],
  ];
}

/** LocalStack services the stack needs; the health check waits for each of them. */
export const REQUIRED_SERVICES = [
  "cloudformation",
  "lambda",
  "apigateway",
  "sqs",
  "s3",
  "events",
  "iam",
  "logs",
] as const;

export const functionName = (fn: string) => `${SERVICE}-${STAGE}-${fn}`;

/** LocalStack as the host sees it; LOCALSTACK_ENDPOINT points elsewhere (a remote engine). */
export function localStackEndpoint(settings: ScriptSettings = scriptSettings()): string {
  return settings.localStackEndpoint;
}

/** The stage's API from the host: path-style, so no DNS is involved. */
export function apiUrl(endpoint: string): string {
  return `${endpoint}/_aws/execute-api/${REST_API_ID}/${STAGE}`;
}

/** The port LocalStack listens on: the endpoint's own, else its scheme's default (80, 443). */
export function endpointPort(endpoint: string): number {
  const url = new URL(endpoint);
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

/** The S3 website host name; *.localhost.localstack.cloud resolves to 127.0.0.1 by public DNS. */
export function websiteHost(endpoint: string): string {
  return `${SITE_BUCKET}.s3-website.localhost.localstack.cloud:${endpointPort(endpoint)}`;
}

export function websiteUrl(endpoint: string): string {
  return `http://${websiteHost(endpoint)}/`;
}

/** The same site without DNS: a plain S3 GET (LocalStack does not enforce S3 auth). */
export function pathStyleSiteUrl(endpoint: string): string {
  return `${endpoint}/${SITE_BUCKET}/index.html`;
}

/** Compose files: the token override joins when LOCALSTACK_AUTH_TOKEN is set. */
export function composeFiles(settings: ScriptSettings = scriptSettings()): string[] {
  const files = [join(composeDir, "docker-compose.yml")];
  if (settings.localStackAuthToken) files.push(join(composeDir, "docker-compose.auth.yml"));
  return files;
}

/**
 * Runs the supervisor once, asynchronously: it tickets the wanted worker replicas now rather
 * than at the schedule's next minute (as `npm start` does locally).
 */
export async function kickSupervisor(endpoint: string): Promise<void> {
  const lambda = new LambdaClient(clientOptions(endpoint));
  await lambda.send(
    new InvokeCommand({ FunctionName: functionName("supervisor"), InvocationType: "Event" }),
  );
}

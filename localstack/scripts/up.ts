/**
 * `npm run localstack:up`: starts LocalStack, Redis and SRH (docker-compose.yml) and returns
 * once every container is healthy (`up --wait`) and LocalStack reports the services the stack
 * needs. With LOCALSTACK_AUTH_TOKEN set it adds docker-compose.auth.yml (a newer image).
 */
import { requireCompose, requireDocker, requireLocalStack, run, say } from "./preflight";
import { composeDir, composeFiles, localStackEndpoint } from "./stack";

export async function main(): Promise<void> {
  say("checking for a Docker engine");
  const engine = await requireDocker();
  await requireCompose();
  const files = composeFiles();
  say(
    `Docker ${engine}; starting LocalStack, Redis and SRH` +
      (files.length > 1 ? " (newer image, with LOCALSTACK_AUTH_TOKEN)" : ""),
  );
  await run("docker", ["compose", ...files.flatMap((f) => ["-f", f]), "up", "--detach", "--wait"], {
    cwd: composeDir,
  });
  const endpoint = localStackEndpoint();
  const version = await requireLocalStack(endpoint);
  say(`LocalStack ${version} is healthy on ${endpoint}`);
  say("next: npm run deploy:local");
}

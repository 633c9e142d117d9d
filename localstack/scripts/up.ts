/**
 * `npm run localstack:up`: starts the `local` stage's LocalStack and Redis, and returns once
 * all are healthy. With a Docker engine: LocalStack, Redis and SRH in Docker
 * (docker-compose.yml, plus docker-compose.auth.yml with LOCALSTACK_AUTH_TOKEN). Without one:
 * host mode, LocalStack natively with the functions as host processes (host/lifecycle.ts).
 * It says which mode it chose and why.
 */
import {
  childEnvironment,
  localStackSettings,
  localStackTokens,
} from "../../common/command-environment";
import { startHostMode } from "./host/lifecycle";
import { corsAllowedOrigins } from "./host/localstack-env";
import { chooseMode } from "./mode";
import { requireCompose, requireLocalStack, run, say } from "./preflight";
import { composeDir, composeFiles, endpointPort, localStackEndpoint } from "./stack";

export async function main(): Promise<void> {
  const settings = localStackSettings();
  const endpoint = localStackEndpoint();
  say("checking for a Docker engine");
  const { mode, reason } = await chooseMode(settings);
  if (mode === "host") {
    say(`host mode (${reason}): LocalStack natively, each function a host process`);
    const state = await startHostMode(settings, endpoint);
    say(`LocalStack on ${state.endpoint}, Redis (Upstash REST) on ${state.bridge.url}`);
    say(`state and logs in ${settings.stateDir}`);
    say("next: npm run deploy:local");
    return;
  }
  await requireCompose();
  const files = composeFiles();
  say(
    `Docker mode (${reason}); starting LocalStack, Redis and SRH` +
      (files.length > 1 ? " (newer image, with LOCALSTACK_AUTH_TOKEN)" : ""),
  );
  // SRH's token: the local stage's, random, kept in the state folder (deploy:local reads it).
  const { redisRestToken } = localStackTokens(settings);
  await run("docker", ["compose", ...files.flatMap((f) => ["-f", f]), "up", "--detach", "--wait"], {
    cwd: composeDir,
    env: childEnvironment({
      SRH_TOKEN: redisRestToken,
      EXTRA_CORS_ALLOWED_ORIGINS: corsAllowedOrigins(
        endpointPort(endpoint),
        settings.guard.extraOrigins,
      ),
    }),
  });
  const version = await requireLocalStack(endpoint);
  say(`LocalStack ${version} is healthy on ${endpoint}`);
  say("next: npm run deploy:local");
}

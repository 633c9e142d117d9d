/**
 * `npm run localstack:down`: stops and removes the containers, the network and LocalStack's
 * volume (deployed stacks do not survive: the community image has no persistence anyway).
 */
import { requireCompose, requireDocker, run, say } from "./preflight";
import { composeDir, composeFiles } from "./stack";

export async function main(): Promise<void> {
  say("checking for a Docker engine");
  await requireDocker();
  await requireCompose();
  say("stopping LocalStack, Redis and SRH; removing their network and volume");
  const files = composeFiles();
  await run(
    "docker",
    ["compose", ...files.flatMap((f) => ["-f", f]), "down", "--volumes", "--remove-orphans"],
    { cwd: composeDir },
  );
  say("stopped");
}

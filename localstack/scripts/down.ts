/**
 * `npm run localstack:down`: stops what `localstack:up` started. Host mode: LocalStack, its
 * function processes and the Redis bridge, checked gone (processes and ports), and their
 * files. Docker: the containers, the network and LocalStack's volume. Deployed stacks do not
 * survive either way (no persistence). Nothing running is not an error.
 */

import { localStackSettings } from "../../common/command-environment";
import { DockerUnavailableError, requireDocker } from "../../common/docker";
import { stopHostMode } from "./host/lifecycle";
import { requireCompose, run, say } from "./preflight";
import { composeDir, composeFiles } from "./stack";

export async function main(): Promise<void> {
  const settings = localStackSettings();
  if (settings.mode !== "docker") {
    const stopped = await stopHostMode(settings);
    if (stopped !== undefined) {
      say(`host mode stopped (${stopped.join(", ")}); no process or port of it is left`);
      return;
    }
    if (settings.mode === "host") {
      say("host mode: nothing to stop");
      return;
    }
  }
  say("checking for a Docker engine");
  try {
    await requireDocker();
  } catch (err) {
    if (err instanceof DockerUnavailableError && settings.mode === "auto") {
      say(
        "nothing to stop: no host-mode LocalStack runs for this clone, and there is no Docker engine",
      );
      return;
    }
    throw err;
  }
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

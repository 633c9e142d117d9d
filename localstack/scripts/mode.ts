/**
 * Which LocalStack the scripts work with. `up` chooses: Docker when an engine answers (the
 * compose path), otherwise host mode (LocalStack natively, functions as host processes);
 * LOCALSTACK_MODE forces one. `deploy`, `smoke` and `remove` then follow what runs: the host
 * mode this clone started (its state file), else LocalStack in Docker. With neither, they
 * fail within seconds, naming what is missing.
 */

import type { LocalStackSettings } from "../../common/command-environment";
import { DockerUnavailableError, requireDocker } from "../../common/docker";
import { type HostState, missingParts, readState, statePaths } from "./host/state";
import { LocalStackNotHealthyError, requireLocalStack } from "./preflight";

export type Target =
  | { mode: "docker"; endpoint: string; version: string }
  | { mode: "host"; endpoint: string; version: string; state: HostState };

/** The mode `up` starts, and why, in words for the user. */
export async function chooseMode(
  settings: LocalStackSettings,
): Promise<{ mode: "docker" | "host"; reason: string }> {
  if (settings.mode === "host") return { mode: "host", reason: "LOCALSTACK_MODE=host" };
  if (settings.mode === "docker") {
    const engine = await requireDocker();
    return { mode: "docker", reason: `LOCALSTACK_MODE=docker, Docker ${engine}` };
  }
  try {
    const engine = await requireDocker();
    return { mode: "docker", reason: `a Docker engine answers (Docker ${engine})` };
  } catch (err) {
    if (!(err instanceof DockerUnavailableError)) throw err;
    return { mode: "host", reason: `no Docker engine: ${err.reason}` };
  }
}

/** The running LocalStack of this clone, healthy; otherwise a message naming what is missing. */
export async function runningTarget(
  settings: LocalStackSettings,
  endpoint: string,
): Promise<Target> {
  const state = settings.mode === "docker" ? undefined : readState(settings.stateDir);
  if (state !== undefined) {
    const missing = missingParts(state);
    if (missing.length > 0) {
      throw new LocalStackNotHealthyError(
        `host-mode LocalStack is not running any more: ${missing.join(" and ")} ` +
          `${missing.length > 1 ? "are" : "is"} gone (logs in ${statePaths(settings.stateDir).logs}). ` +
          "Start it again with `npm run localstack:up`, then deploy again.",
      );
    }
    const version = await requireLocalStack(state.endpoint, undefined, state.localstack.logFile);
    return { mode: "host", endpoint: state.endpoint, version, state };
  }
  if (settings.mode === "host") {
    throw new LocalStackNotHealthyError(
      `no host-mode LocalStack runs for this clone (no ${statePaths(settings.stateDir).file}): ` +
        "start it with `npm run localstack:up`.",
    );
  }
  try {
    await requireDocker();
  } catch (err) {
    if (!(err instanceof DockerUnavailableError) || settings.mode === "docker") throw err;
    throw new LocalStackNotHealthyError(
      `LocalStack is not running: this clone started no host-mode LocalStack and ${err.reason} ` +
        "(so no LocalStack in Docker either). Start one with `npm run localstack:up`.",
    );
  }
  return { mode: "docker", endpoint, version: await requireLocalStack(endpoint) };
}

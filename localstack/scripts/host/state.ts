/**
 * What host mode started, in one file (`<state dir>/state.json`): `up` writes it once every
 * process is healthy, `deploy`, `smoke` and `remove` read it to find the bridge and to know
 * the mode, and `down` stops what it lists. The state folder also holds the logs and
 * LocalStack's own files (its volume, its TMP with the unpacked function code).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type StartedProcess, stillRunning } from "./processes";

export interface HostState {
  mode: "host";
  /** LocalStack as scripts reach it, e.g. http://127.0.0.1:4566 */
  endpoint: string;
  localstack: StartedProcess & { port: number; logFile: string };
  bridge: StartedProcess & { port: number; redisPort: number; url: string; logFile: string };
  /** The bundled Node.js execution environment: every function process runs it. */
  runtimeJs: string;
  python: string;
  venv: string;
  startedAt: string;
}

export class HostStateError extends Error {
  override readonly name = "HostStateError";
}

export function statePaths(stateDir: string) {
  return {
    file: join(stateDir, "state.json"),
    logs: join(stateDir, "logs"),
    plugin: join(stateDir, "plugin"),
    /** LocalStack's TMP: the unpacked code of every function lives under it. */
    tmp: join(stateDir, "tmp"),
    volume: join(stateDir, "volume"),
    redis: join(stateDir, "redis"),
    bridgeReady: join(stateDir, "bridge-ready.json"),
  };
}

export function readState(stateDir: string): HostState | undefined {
  const { file } = statePaths(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as HostState;
  } catch (err) {
    throw new HostStateError(`${file} is unreadable (${(err as Error).message}); delete it`);
  }
}

export function writeState(stateDir: string, state: HostState): void {
  const { file } = statePaths(stateDir);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeState(stateDir: string): void {
  rmSync(statePaths(stateDir).file, { force: true });
}

/** What of a recorded host-mode LocalStack is gone: empty when both processes run. */
export function missingParts(state: HostState): string[] {
  const missing: string[] = [];
  if (!stillRunning(state.localstack)) missing.push(`LocalStack (pid ${state.localstack.pid})`);
  if (!stillRunning(state.bridge)) missing.push(`the Redis bridge (pid ${state.bridge.pid})`);
  return missing;
}

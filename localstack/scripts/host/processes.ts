/**
 * The background processes of host mode: started detached (their own session, output to a
 * log file) so that they outlive `npm run localstack:up`, and stopped by `localstack:down`
 * from another process. A process is known by its pid **and** its start time (/proc), so a
 * pid that the system has since given to someone else's process is never signalled.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { liveStatFields } from "../../../common/process-stats";

export interface StartedProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): with the pid, one process. */
  startTicks: string;
}

const POLL_MS = 100;
/** How long a process has to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 30_000;
const KILL_WAIT_MS = 5_000;

export class ProcessStartError extends Error {
  override readonly name = "ProcessStartError";
}

/** The start time of a live process, or undefined when there is none (or only a zombie). */
export function startTicksOf(pid: number): string | undefined {
  return liveStatFields(pid)?.[19];
}

/** The very process that was started: its pid alive, with the same start time. */
export function stillRunning(started: StartedProcess): boolean {
  return startTicksOf(started.pid) === started.startTicks;
}

/** Starts `command` in a session of its own, appending its output to `logFile`. */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): StartedProcess {
  const log = openSync(options.logFile, "a");
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.unref();
    const pid = child.pid;
    const startTicks = pid === undefined ? undefined : startTicksOf(pid);
    if (pid === undefined || startTicks === undefined) {
      throw new ProcessStartError(`${command} could not start (see ${options.logFile})`);
    }
    return { pid, startTicks };
  } finally {
    closeSync(log);
  }
}

async function waitForExit(started: StartedProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (stillRunning(started)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

function signal(started: StartedProcess, name: NodeJS.Signals): void {
  if (!stillRunning(started)) return;
  try {
    process.kill(started.pid, name);
  } catch {
    // gone meanwhile
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
export async function stopProcess(
  started: StartedProcess,
  graceMs = STOP_GRACE_MS,
): Promise<"not running" | "stopped" | "killed"> {
  if (!stillRunning(started)) return "not running";
  signal(started, "SIGTERM");
  if (await waitForExit(started, graceMs)) return "stopped";
  signal(started, "SIGKILL");
  if (await waitForExit(started, KILL_WAIT_MS)) return "killed";
  throw new ProcessStartError(`pid ${started.pid} survived SIGKILL`);
}

/** Live processes whose command line contains `marker` (a path only our processes run). */
export function processesRunning(marker: string): StartedProcess[] {
  const found: StartedProcess[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!command.includes(marker)) continue;
    const startTicks = startTicksOf(pid);
    if (startTicks !== undefined) found.push({ pid, startTicks });
  }
  return found;
}

/**
 * Resident memory and CPU time of a process and everything it started, read from /proc
 * (Linux: where CI, the tests and the benchmarks run). The local cloud is one process tree
 * (serverless, redis-server), so "what `npm start` costs" is the sum over its tree.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's CPU fields (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // the process has exited
  }
}

/** The stat fields of a live process: undefined once it has exited (a zombie, not reaped, has). */
export function liveStatFields(pid: number): string[] | undefined {
  const fields = statFields(pid);
  return fields === undefined || fields[0] === "Z" || fields[0] === "X" ? undefined : fields;
}

/** True while the process exists and has not exited. */
export function isRunning(pid: number): boolean {
  return liveStatFields(pid) !== undefined;
}

/** `pid` and every live descendant of it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

/** Resident set size of one process, in bytes; 0 once it has exited. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) one process has used so far, in seconds; 0 once it has exited. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Memory and CPU of a whole process tree, summed. */
export function treeUsage(pid: number): { rssBytes: number; cpuSeconds: number; pids: number[] } {
  const pids = processTree(pid);
  return {
    rssBytes: pids.reduce((sum, p) => sum + rssBytes(p), 0),
    cpuSeconds: pids.reduce((sum, p) => sum + cpuSeconds(p), 0),
    pids,
  };
}

/**
 * The live handles of the calling thread, by type (TCPWrap, Timeout, MessagePort…): what a
 * leak would make grow.
 */
export function activeResources(): Record<string, number> {
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return resources;
}

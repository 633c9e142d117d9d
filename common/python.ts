/**
 * Which Python runs LocalStack in host mode. LocalStack 4.13.1 and its pinned dependencies
 * need 3.11 or newer; on 3.11 and 3.12 some 236 of its modules fail to import (one annotation
 * that needs 3.13, in `packages/api.py`), none of which the stack uses, so 3.13 is preferred:
 * LOCALSTACK_PYTHON if set, then pyenv's newest 3.13, `python3.13` on PATH, then `python3`,
 * `python3.12`, `python3.11`. Nothing found, or only older ones: one message saying which
 * version is needed and how to get it.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const MIN_PYTHON: readonly [number, number] = [3, 11];
const PREFERRED_PYTHON: readonly [number, number] = [3, 13];
const PROBE_TIMEOUT_MS = 10_000;
/** Prints what the venv and the cache key need, as JSON. */
const PROBE = [
  "import json, platform, sys",
  "print(json.dumps({'executable': sys.executable, 'version': platform.python_version(),",
  " 'info': list(sys.version_info[:3]), 'implementation': platform.python_implementation()}))",
].join("\n");

export interface FoundPython {
  /** The real interpreter (sys.executable), never a pyenv shim. */
  executable: string;
  /** e.g. "3.13.0" */
  version: string;
  info: [number, number, number];
  implementation: string;
}

export class PythonNotFoundError extends Error {
  override readonly name = "PythonNotFoundError";
}

const atLeast = (info: readonly number[], wanted: readonly [number, number]) =>
  (info[0] ?? 0) > wanted[0] || ((info[0] ?? 0) === wanted[0] && (info[1] ?? 0) >= wanted[1]);

/** Candidates in order of preference. */
export function pythonCandidates(explicit: string | undefined, home = homedir()): string[] {
  if (explicit !== undefined) return [explicit];
  const pyenv = join(home, ".pyenv", "versions");
  let versions: string[] = [];
  try {
    versions = readdirSync(pyenv).filter((v) => /^3\.13\.\d+$/.test(v));
  } catch {
    // no pyenv
  }
  const newest = versions.sort((a, b) => Number(b.split(".")[2]) - Number(a.split(".")[2]));
  return [
    ...newest.map((v) => join(pyenv, v, "bin", "python")),
    "python3.13",
    "python3",
    "python3.12",
    "python3.11",
  ];
}

async function probe(command: string): Promise<FoundPython | string> {
  try {
    const { stdout } = await promisify(execFile)(command, ["-c", PROBE], {
      timeout: PROBE_TIMEOUT_MS,
    });
    return JSON.parse(stdout) as FoundPython;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") return "not found";
    return (e.stderr?.trim().split("\n").pop() ?? e.message).slice(0, 200);
  }
}

/** The first candidate that is new enough (3.13 first); else a PythonNotFoundError. */
export async function findPython(explicit: string | undefined): Promise<FoundPython> {
  const seen: string[] = [];
  for (const candidate of pythonCandidates(explicit)) {
    const found = await probe(candidate);
    if (typeof found === "string") {
      if (found !== "not found" || explicit !== undefined) seen.push(`${candidate}: ${found}`);
      continue;
    }
    if (atLeast(found.info, MIN_PYTHON)) return found;
    seen.push(`${candidate}: ${found.version}`);
  }
  const [major, minor] = MIN_PYTHON;
  const [preferredMajor, preferredMinor] = PREFERRED_PYTHON;
  throw new PythonNotFoundError(
    `LocalStack 4.13.1 (host mode) needs Python ${major}.${minor} or newer ` +
      `(${preferredMajor}.${preferredMinor} preferred); ` +
      (seen.length > 0 ? `found only ${seen.join(", ")}. ` : "found none on PATH. ") +
      `Install one: \`sudo apt-get install python3 python3-venv\` (Debian 12 has 3.11), ` +
      `\`pyenv install ${preferredMajor}.${preferredMinor}\`, or \`brew install python@${preferredMajor}.${preferredMinor}\`; ` +
      "or set LOCALSTACK_PYTHON to an interpreter's path.",
  );
}

export const isPreferred = (python: FoundPython) => atLeast(python.info, PREFERRED_PYTHON);

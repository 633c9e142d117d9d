/**
 * LocalStack's virtualenv for host mode, and the host executor plugin in it.
 *
 * The virtualenv holds LocalStack 4.13.1 with the committed pins (localstack/host/
 * requirements.txt and the tag's constraints file) and pytest (requirements-test.txt): about 500 MB and 2 minutes to install,
 * so it lives outside the clone, in ~/.cache/dockercoins/localstack-<key>, and every clone
 * shares it. The key hashes what decides its content (the interpreter and its version, the
 * pin files), so changed pins give a new virtualenv and unchanged ones are reused as they are.
 * It is built beside its final name and renamed when complete: an interrupted install is
 * never taken for a finished one.
 *
 * The plugin (localstack/host/) is never installed into that shared virtualenv: a clone's
 * LocalStack must run that clone's plugin, and two clones must not overwrite each other's.
 * It is installed with `pip --target` into the clone's state folder, put on PYTHONPATH by
 * `up`, and reinstalled only when its files change (a content hash); plux finds its entry
 * points there as in site-packages.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { projectRoot } from "../../../common/project";
import type { FoundPython } from "../../../common/python";
import { say } from "../preflight";
import { siteFiles } from "../site";

const HOST_PACKAGE_DIR = join(projectRoot, "localstack", "host");
const REQUIREMENTS = join(HOST_PACKAGE_DIR, "requirements.txt");
/** pytest for the host executor's own tests (localstack/host/tests), in the same virtualenv. */
const TEST_REQUIREMENTS = join(HOST_PACKAGE_DIR, "requirements-test.txt");
const CONSTRAINTS = join(HOST_PACKAGE_DIR, "constraints-runtime-4.13.1.txt");
/** Bump to force new virtualenvs when the way they are built changes. */
const RECIPE = "1";
const PROGRESS_EVERY_MS = 10_000;
const STAMP = ".dockercoins-plugin-hash";

export class VirtualenvError extends Error {
  override readonly name = "VirtualenvError";
}

function virtualenvKey(python: FoundPython): string {
  const hash = createHash("sha256");
  for (const part of [RECIPE, python.executable, python.version, python.implementation]) {
    hash.update(`${part}\n`);
  }
  hash.update(readFileSync(REQUIREMENTS));
  hash.update(readFileSync(TEST_REQUIREMENTS));
  hash.update(readFileSync(CONSTRAINTS));
  return `py${python.info[0]}${python.info[1]}-${hash.digest("hex").slice(0, 12)}`;
}

export const venvPython = (venv: string) => join(venv, "bin", "python");

/** Runs a command, handing each output line to `onLine`; rejects with its last lines. */
function runLogged(
  command: string,
  args: readonly string[],
  logFile: string,
  onLine: (line: string) => void = () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        onLine(line);
      });
    }
    child.once("error", (err) => reject(new VirtualenvError(`${command}: ${err.message}`)));
    child.once("close", (code) => {
      writeFileSync(logFile, `${lines.join("\n")}\n`, { flag: "a" });
      if (code === 0) resolve();
      else
        reject(
          new VirtualenvError(
            `${command} ${args.slice(0, 3).join(" ")} failed (${code}):\n${lines.slice(-15).join("\n")}\nfull log: ${logFile}`,
          ),
        );
    });
  });
}

/** Follows pip's output; says where it is at each phase and every PROGRESS_EVERY_MS. */
function pipProgress(started: number) {
  let collected = 0;
  let phase = "resolving and downloading";
  const report = () =>
    say(
      `  … ${phase}: ${collected} packages so far (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  const timer = setInterval(report, PROGRESS_EVERY_MS);
  return {
    onLine(line: string) {
      if (line.startsWith("Collecting ")) collected += 1;
      const next = line.startsWith("Building wheel")
        ? "building source packages"
        : line.startsWith("Installing collected packages")
          ? "installing"
          : phase;
      if (next !== phase) {
        phase = next;
        report();
      }
    },
    stop: () => clearInterval(timer),
  };
}

/** The virtualenv for this Python, created (minutes, with progress) if it does not exist yet. */
export async function ensureVirtualenv(
  python: FoundPython,
  cacheDir: string,
): Promise<{ venv: string }> {
  const venv = join(cacheDir, `localstack-${virtualenvKey(python)}`);
  if (existsSync(venvPython(venv))) return { venv };
  mkdirSync(cacheDir, { recursive: true });
  const building = `${venv}.partial-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const started = Date.now();
  const logFile = `${venv}.install.log`;
  say(`creating LocalStack's virtualenv (first run only, about 2 minutes): ${venv}`);
  say(`  Python ${python.version} (${python.executable}); pip's output goes to ${logFile}`);
  const progress = pipProgress(started);
  try {
    await runLogged(python.executable, ["-m", "venv", building], logFile);
    await runLogged(
      venvPython(building),
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "-c",
        CONSTRAINTS,
        "-r",
        REQUIREMENTS,
        "-r",
        TEST_REQUIREMENTS,
      ],
      logFile,
      progress.onLine,
    );
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    const hint = /ensurepip|No module named venv/.test(String(err))
      ? " (Debian/Ubuntu: `sudo apt-get install python3-venv`)"
      : "";
    throw new VirtualenvError(
      `the virtualenv could not be created${hint}: ${(err as Error).message}`,
    );
  } finally {
    progress.stop();
  }
  try {
    renameSync(building, venv);
  } catch {
    // Another `up` finished the same virtualenv first: use that one.
    rmSync(building, { recursive: true, force: true });
  }
  say(`virtualenv ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { venv };
}

/** A hash of the plugin's files: its installed copy is current when the stamps agree. */
function pluginHash(): string {
  const hash = createHash("sha256");
  for (const file of siteFiles(HOST_PACKAGE_DIR)) {
    if (!/\.(py|toml|txt)$/.test(file.key) || file.key.includes("__pycache__")) continue;
    hash.update(`${file.key}\n`).update(readFileSync(file.path));
  }
  return hash.digest("hex");
}

/** Installs the clone's plugin into `target` (a PYTHONPATH entry) unless it is current. */
export async function ensurePlugin(venv: string, target: string): Promise<"installed" | "current"> {
  const wanted = pluginHash();
  const stamp = join(target, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return "current";
  const work = `${target}.partial-${process.pid}`;
  const source = join(work, "source");
  rmSync(work, { recursive: true, force: true });
  // Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
  cpSync(HOST_PACKAGE_DIR, source, {
    recursive: true,
    filter: (from) => !/__pycache__|\.egg-info|[\\/]build$/.test(relative(HOST_PACKAGE_DIR, from)),
  });
  const logFile = join(work, "pip.log");
  await runLogged(
    venvPython(venv),
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "--no-deps",
      "--no-index",
      "--no-build-isolation",
      "--target",
      join(work, "site"),
      source,
    ],
    logFile,
  );
  writeFileSync(join(work, "site", STAMP), wanted);
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, "site"), target);
  rmSync(work, { recursive: true, force: true });
  return "installed";
}

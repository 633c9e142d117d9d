/**
 * `npm run test:host-executor`: the host executor's pytest suite (localstack/host/tests) in
 * LocalStack's cached virtualenv (created first if needed, as `localstack:up` does: the tests
 * import LocalStack's classes, and pytest is one of its pins, requirements-test.txt). The
 * runtime is bundled as for `up`; the tests run it with this node. Starts no LocalStack.
 * Extra arguments go to pytest (`npm run test:host-executor -- -k timeout`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localStackSettings } from "../../common/command-environment";
import { findPython } from "../../common/python";
import { bundleRuntime } from "./host/lifecycle";
import { ensureVirtualenv, venvPython } from "./host/virtualenv";
import { CommandFailedError, run, say } from "./preflight";
import { projectRoot } from "./stack";

const HOST_PACKAGE_DIR = join(projectRoot, "localstack", "host");
/** pytest's exit status when it collected no test: an empty suite must fail, and does. */
const PYTEST_NO_TESTS = 5;

async function runPytest(...args: Parameters<typeof run>): Promise<void> {
  try {
    await run(...args);
  } catch (err) {
    const status = /\((\d+)\)$/.exec((err as Error).message)?.[1];
    throw new CommandFailedError(
      Number(status) === PYTEST_NO_TESTS
        ? "pytest collected no test (exit 5)"
        : `pytest failed (exit ${status ?? "?"}): see its report above`,
    );
  }
}

export async function main(args: string[] = []): Promise<void> {
  const settings = localStackSettings();
  const python = await findPython(settings.python);
  const { venv } = await ensureVirtualenv(python, settings.cacheDir);
  const work = mkdtempSync(join(tmpdir(), "dockercoins-host-tests-"));
  try {
    const runtimeJs = bundleRuntime(work);
    say(`pytest in ${venv} (Python ${python.version}), runtime ${runtimeJs}`);
    await runPytest(
      venvPython(venv),
      // No cache folder in the source tree.
      ["-m", "pytest", "-p", "no:cacheprovider", "tests", ...args.filter((a) => a !== "--")],
      {
        cwd: HOST_PACKAGE_DIR,
        env: {
          ...process.env,
          PYTHONPATH: join(HOST_PACKAGE_DIR, "src"),
          PYTHONDONTWRITEBYTECODE: "1",
          HOST_TESTS_RUNTIME_JS: runtimeJs,
          HOST_TESTS_NODE: process.execPath,
        },
      },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

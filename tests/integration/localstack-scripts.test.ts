import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnvironment } from "../../common/command-environment";
import { freePort } from "../../common/ports";
import { projectRoot } from "../../common/project";
import { serve } from "../support/net";

// What the LocalStack scripts do before LocalStack is involved, tested for real: without a
// Docker engine (a stand-in `docker` on PATH, so that the outcome is the same on a machine
// that has one) and without a host-mode LocalStack (a state folder of the test's own), with
// Pythons too old or missing. localstack-checks.test.ts tests their parts against what starts
// in seconds; tests/localstack/ runs the whole path on a real LocalStack.

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-localstack-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding executables that behave as given, to put first on PATH. */
function fakeCommands(name: string, commands: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [command, script] of Object.entries(commands)) {
    writeFileSync(join(dir, command), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, command), 0o755);
  }
  return dir;
}
const noDaemon = fakeCommands("no-daemon", {
  docker:
    'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
});
const searchPath = childEnvironment().PATH ?? "";
// exec: killing the stand-in must close its output, as a real hung CLI's would.
const hung = fakeCommands("hung", { docker: "exec sleep 30" });
const oldPython = fakeCommands("old-python", {
  python3: `echo '{"executable": "/usr/bin/python3.9", "version": "3.9.2", "info": [3, 9, 2], "implementation": "CPython"}'`,
});
const emptyHome = join(scratch, "home");
mkdirSync(emptyHome);
/** No host-mode LocalStack ever ran here. */
const noState = join(scratch, "state");

function run(
  file: string,
  args: string[],
  path: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: projectRoot,
        env: childEnvironment({ PATH: path, LOCALSTACK_STATE_DIR: noState, ...env }),
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}
const script = (command: string, path: string, env: Record<string, string> = {}) =>
  run(process.execPath, ["localstack/run.js", command], path, env);

describe("the npm scripts with LocalStack down, without a Docker engine", () => {
  it("deploy:local exits 1 within 10 s, naming what is missing and what to run", async () => {
    const result = await run("npm", ["run", "deploy:local"], `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stdout).toContain("[localstack] checking for a healthy LocalStack");
    expect(result.stderr).toContain(
      "[localstack] ✖ LocalStack is not running: this clone started no host-mode LocalStack and " +
        "Cannot connect to the Docker daemon",
    );
    expect(result.stderr).toContain("Start one with `npm run localstack:up`");
  });

  it.each(["smoke", "remove"])("%s fails the same way", async (command) => {
    const result = await script(command, `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toMatch(/✖ LocalStack is not running: .*npm run localstack:up/);
  });

  it("says so when there is no docker CLI at all", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const result = await script("deploy", empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "and the docker CLI is not on PATH (so no LocalStack in Docker either)",
    );
  });

  it("gives up on a docker CLI that does not answer, still within 10 s", async () => {
    const result = await script("deploy", `${hung}:${searchPath}`);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toContain("docker did not answer in 5 s");
  });

  it("keeps Docker's message when LOCALSTACK_MODE=docker asks for Docker", async () => {
    for (const command of ["up", "deploy", "down"]) {
      const result = await script(command, `${noDaemon}:${searchPath}`, {
        LOCALSTACK_MODE: "docker",
      });
      expect(result.code, command).toBe(1);
      expect(result.stderr).toMatch(/✖ Docker is not available .*needs a Docker engine/);
    }
  });

  it("host mode without a LocalStack says to start one", async () => {
    const result = await script("smoke", noDaemon, { LOCALSTACK_MODE: "host" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("✖ no host-mode LocalStack runs for this clone");
  });

  it("deploy refuses a flag it does not pass on to serverless, before anything else", async () => {
    const result = await run(
      process.execPath,
      ["localstack/run.js", "deploy", "--stage", "prod"],
      noDaemon,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("✖ deploy:local takes only --force, not --stage prod");
  });

  it("down has nothing to stop, and says so", async () => {
    const result = await script("down", `${noDaemon}:${searchPath}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("nothing to stop: no host-mode LocalStack runs for this clone");
  });

  it("refuses an unknown command with its usage, and a bad LOCALSTACK_MODE", async () => {
    const result = await script("deploi", "");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "usage: node localstack/run.js <up|down|deploy|smoke|remove|host-tests>",
    );
    const mode = await script("up", noDaemon, { LOCALSTACK_MODE: "kubernetes" });
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain(
      'LOCALSTACK_MODE must be one of auto, docker, host, got "kubernetes"',
    );
  });
});

describe("localstack:up without a Docker engine: host mode, and its Python", () => {
  const endpoint = async () => ({ LOCALSTACK_ENDPOINT: `http://127.0.0.1:${await freePort()}` });

  it("chooses host mode, says why, and names the Python version it needs", async () => {
    const result = await script("up", `${noDaemon}:${oldPython}`, {
      ...(await endpoint()),
      HOME: emptyHome,
    });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stdout).toContain(
      "[localstack] host mode (no Docker engine: Cannot connect to the Docker daemon",
    );
    expect(result.stderr).toContain(
      "✖ LocalStack 4.13.1 (host mode) needs Python 3.11 or newer (3.13 preferred); found only python3: 3.9.2.",
    );
    expect(result.stderr).toContain("`pyenv install 3.13`");
  });

  it("says so when there is no Python at all", async () => {
    const result = await script("up", noDaemon, { ...(await endpoint()), HOME: emptyHome });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "needs Python 3.11 or newer (3.13 preferred); found none on PATH.",
    );
  });

  it("names LOCALSTACK_PYTHON when that one does not run", async () => {
    const result = await script("up", noDaemon, {
      ...(await endpoint()),
      LOCALSTACK_PYTHON: join(scratch, "no-such-python"),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`found only ${join(scratch, "no-such-python")}: not found`);
  });

  it("refuses a port that something else holds, naming it", async () => {
    const [base, server] = await serve((_req, res) => res.end("busy"));
    try {
      const result = await script("up", noDaemon, { LOCALSTACK_ENDPOINT: base, HOME: emptyHome });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/✖ port \d+ \(LocalStack\) is already in use by pid \d+/);
    } finally {
      server.close();
    }
  });
});

/**
 * Runs the LocalStack scripts as a user does (`node localstack/run.js <command>`, what the
 * npm scripts run), with an environment of the test's own (ports, state folder, mode), and
 * keeps what they print: for the assertions, and in test-results/ for when one fails.
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childEnvironment } from "../../common/command-environment";
import { projectRoot } from "../../common/project";

export interface ScriptRun {
  code: number;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  ms: number;
}

const ARTIFACTS = join(projectRoot, "test-results", "localstack");

export function runLocalStackScript(
  command: string,
  env: Record<string, string>,
  options: { timeoutMs: number; log?: string; args?: readonly string[] },
): Promise<ScriptRun> {
  const started = Date.now();
  const logFile = options.log === undefined ? undefined : join(ARTIFACTS, options.log);
  if (logFile !== undefined) {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(logFile, "");
  }
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(projectRoot, "localstack", "run.js"), command, ...(options.args ?? [])],
      {
        cwd: projectRoot,
        env: childEnvironment(env),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (logFile !== undefined) appendFileSync(logFile, chunk);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 1), output, ms: Date.now() - started });
    });
  });
}

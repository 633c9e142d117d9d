import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnvironment } from "../../common/command-environment";
import { projectRoot } from "../../common/project";

const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  Condition?: string;
};

export interface Packaged {
  /** The folder with the artifacts: one zip per function and the templates. */
  dir: string;
  resources: Record<string, Resource>;
  outputs: Record<string, unknown>;
  ofType(type: string): Resource[];
}

/** The outcome of a `serverless package` that was allowed to fail. */
export interface PackageRun {
  code: number;
  output: string;
}

/** Variables that must not leak from the caller's shell into a packaging run. */
const STAGE_SETTINGS = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "SCALE_TOKEN"];

/**
 * Runs `serverless package` for a stage offline, into a fresh folder. `env` adds to (or, with
 * undefined, removes from) this process's environment, minus the stage settings above.
 */
export function runPackage(
  stage: string,
  env: Record<string, string | undefined> = {},
  /** More options for serverless, e.g. --param="name=value". */
  args: readonly string[] = [],
): Promise<PackageRun & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `dockercoins-package-${stage}-`));
  const childEnv = childEnvironment();
  for (const name of STAGE_SETTINGS) delete childEnv[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [serverlessBin, "package", "--stage", stage, "--package", dir, ...args],
      { cwd: projectRoot, env: childEnv, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}`, dir });
      },
    );
  });
}

/** Packages a stage and reads the generated CloudFormation template; throws on failure. */
export async function packageStage(
  stage: string,
  env: Record<string, string | undefined> = {},
  args: readonly string[] = [],
): Promise<Packaged> {
  const run = await runPackage(stage, env, args);
  if (run.code !== 0) {
    throw new Error(`serverless package --stage ${stage} failed (${run.code}):\n${run.output}`);
  }
  const template = JSON.parse(
    readFileSync(join(run.dir, "cloudformation-template-update-stack.json"), "utf8"),
  ) as { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };
  const resources = template.Resources;
  return {
    dir: run.dir,
    resources,
    outputs: template.Outputs ?? {},
    ofType: (type) => Object.values(resources).filter((r) => r.Type === type),
  };
}

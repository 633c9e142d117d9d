/**
 * `npm run lint:cfn`: cfn-lint, AWS's CloudFormation linter, on the template `serverless
 * package` generates for each way the service is deployed: dev, local (LocalStack in Docker,
 * and in host mode with `npm run deploy:local`'s parameters) and prod (AWS, with example
 * Upstash settings, as README's Deploying section sets them). Every finding fails it, down to
 * informational ones; .cfnlintrc lists the few ignored, each with its reason.
 *
 * cfn-lint is a Python package: it is installed, pinned, in a virtualenv outside the clone
 * (~/.cache/dockercoins/cfn-lint-<version>), made once (about 20 s) and reused by every
 * clone while the pin below stays the same.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type CfnLintSettings,
  cfnLintSettings,
  childEnvironment,
} from "../common/command-environment";
import { newToken } from "../common/local-tokens";
import { projectRoot } from "../common/project";
import { hostModeParams, localStageTokenVariables } from "../localstack/scripts/deploy";

export const label = "lint:cfn:";

/** The cfn-lint release (PyPI) the templates are checked with; its folder is keyed by it. */
export const CFN_LINT_VERSION = "1.58.0";
const COMPLETE_MARKER = ".dockercoins-complete";
const PACKAGE_TIMEOUT_MS = 180_000;
const INSTALL_TIMEOUT_MS = 600_000;
const LINT_TIMEOUT_MS = 300_000;
const serverlessBin = join(projectRoot, "node_modules", "serverless", "bin", "serverless.js");
const TEMPLATE = "cloudformation-template-update-stack.json";

/** Settings that decide a stage's template and must come from the variant, never the shell. */
const STAGE_SETTINGS = [
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "SCALE_TOKEN",
  "SRH_TOKEN",
];

export interface TemplateVariant {
  /** Also the name of its folder, which cfn-lint's findings show. */
  name: string;
  stage: string;
  env: Record<string, string>;
  args: string[];
}

/** One template per way of deploying: the same variants tests/integration/template.test.ts checks. */
export function templateVariants(): TemplateVariant[] {
  // As `npm run deploy:local` passes them: random, made here.
  const localTokens = localStageTokenVariables({
    redisRestToken: newToken(),
    scaleToken: newToken(),
  });
  return [
    { name: "dev", stage: "dev", env: {}, args: [] },
    { name: "local-docker", stage: "local", env: localTokens, args: [] },
    {
      name: "local-host",
      stage: "local",
      env: localTokens,
      args: hostModeParams("http://127.0.0.1:4579", "http://127.0.0.1:4566"),
    },
    {
      name: "prod",
      stage: "prod",
      env: {
        UPSTASH_REDIS_REST_URL: "https://eu1-example-12345.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "AYQgASQgexampletoken",
        SCALE_TOKEN: "a-scale-token-of-some-length",
      },
      args: [],
    },
  ];
}

/** What cfn-lint's exit code says: a bit per level (2 errors, 4 warnings, 8 informational). */
export function describeCfnLintExit(code: number): string {
  if (code === 0) return "clean";
  const levels = [
    [2, "errors"],
    [4, "warnings"],
    [8, "informational findings"],
  ] as const;
  const found = levels.filter(([bit]) => (code & bit) !== 0).map(([, name]) => name);
  return found.length > 0 ? found.join(", ") : `cfn-lint failed (exit code ${code})`;
}

export const cfnLintDir = (cacheDir: string) => join(cacheDir, `cfn-lint-${CFN_LINT_VERSION}`);

const run = promisify(execFile);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The cfn-lint command of the pinned release; its virtualenv is made first when missing. */
async function ensureCfnLint(settings: CfnLintSettings): Promise<string> {
  const venv = cfnLintDir(settings.cacheDir);
  const command = join(venv, "bin", "cfn-lint");
  // Written last: a folder without it is an install that was interrupted.
  if (existsSync(join(venv, COMPLETE_MARKER))) return command;
  const started = Date.now();
  console.log(`${label} installing cfn-lint ${CFN_LINT_VERSION} into ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  try {
    await run(settings.python, ["-m", "venv", venv], { timeout: INSTALL_TIMEOUT_MS });
    await run(
      join(venv, "bin", "pip"),
      ["install", "--quiet", "--disable-pip-version-check", `cfn-lint==${CFN_LINT_VERSION}`],
      { timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(
      `installing cfn-lint ${CFN_LINT_VERSION} with ${settings.python} failed: ` +
        `${(e.stderr || e.message).trim().split("\n").slice(-5).join("\n")}\n` +
        "cfn-lint needs Python 3.9 or newer with venv; set CFN_LINT_PYTHON to one.",
    );
  }
  writeFileSync(join(venv, COMPLETE_MARKER), `cfn-lint ${CFN_LINT_VERSION}\n`);
  console.log(`${label} cfn-lint ${CFN_LINT_VERSION} installed in ${seconds(started)}`);
  return command;
}

/** `serverless package` of one variant into `dir`; throws with serverless' output on failure. */
async function packageVariant(variant: TemplateVariant, dir: string): Promise<void> {
  const env = childEnvironment();
  for (const name of STAGE_SETTINGS) delete env[name];
  Object.assign(env, variant.env);
  const args = [serverlessBin, "package", "--stage", variant.stage, "--package", dir];
  try {
    await run(process.execPath, [...args, ...variant.args], {
      cwd: projectRoot,
      env,
      timeout: PACKAGE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`packaging ${variant.name} failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

export async function main(): Promise<void> {
  const started = Date.now();
  const cfnLint = await ensureCfnLint(cfnLintSettings());
  const root = mkdtempSync(join(tmpdir(), "dockercoins-cfn-lint-"));
  try {
    // One after another: serverless-esbuild builds in the project's .esbuild/ folder.
    for (const variant of templateVariants()) {
      const packagingStarted = Date.now();
      await packageVariant(variant, join(root, variant.name));
      console.log(`${label} packaged ${variant.name} in ${seconds(packagingStarted)}`);
    }
    const templates = templateVariants().map((v) => join(v.name, TEMPLATE));
    const linting = Date.now();
    // In the variants' parent folder, so that each finding names its variant's folder.
    const outcome = await run(
      cfnLint,
      ["--config-file", join(projectRoot, ".cfnlintrc"), "--", ...templates],
      {
        cwd: root,
        timeout: LINT_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (err: Error & { code?: unknown; stdout?: string; stderr?: string }) => ({
        code: typeof err.code === "number" ? err.code : 1,
        output: `${err.stdout ?? ""}${err.stderr ?? err.message}`,
      }),
    );
    if (outcome.output.trim()) console.log(outcome.output.trim());
    if (outcome.code !== 0) {
      throw new Error(`cfn-lint ${CFN_LINT_VERSION}: ${describeCfnLintExit(outcome.code)}`);
    }
    console.log(
      `${label} cfn-lint ${CFN_LINT_VERSION}: ${templates.length} templates clean ` +
        `(${templateVariants()
          .map((v) => v.name)
          .join(", ")}); lint ${seconds(linting)}, all ${seconds(started)}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

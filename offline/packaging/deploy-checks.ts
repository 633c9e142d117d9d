/**
 * Checks run before `serverless package` (and so before every deploy) for the stages that leave
 * this machine: `local` (LocalStack) and every AWS stage. A missing Upstash URL or a loopback
 * address would otherwise deploy fine and fail only at run time, inside a Lambda container,
 * where "localhost" is the container itself. The `dev` stage is the local cloud (offline/),
 * where loopback addresses are right, so it is never checked.
 *
 * One exception, said explicitly by the `functionsRunOn` param (custom.deployChecks): LocalStack
 * in host mode runs each function as a process of this machine, so there loopback addresses
 * are right too. Only the `local` stage may say so; the Upstash checks still apply.
 */

import { MIN_TOKEN_LENGTH } from "../../functions/shared/config";

/** Stages served by the local cloud on this machine. */
const LOCAL_CLOUD_STAGES = new Set(["dev"]);
/** The stage whose functions may run on this machine (LocalStack's host mode). */
const HOST_MODE_STAGE = "local";
export const FUNCTIONS_RUN_ON = ["container", "host"] as const;
export type FunctionsRunOn = (typeof FUNCTIONS_RUN_ON)[number];
/** localhost.localstack.cloud included: from a Lambda container it is only right by luck of DNS. */
const LOOPBACK = /localhost|127\.0\.0\.1|\[::1\]/i;

type Environment = Record<string, unknown>;

export class DeployConfigError extends Error {
  // osls prints errors of this name as the user's mistake: the message, without a stack trace.
  override readonly name = "ServerlessError";
  readonly code = "DOCKERCOINS_DEPLOY_CONFIG";

  constructor(
    readonly stage: string,
    readonly problems: readonly string[],
  ) {
    super(
      `stage ${stage} cannot be packaged:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "See README (Deploying) and localstack/README.md.",
    );
  }
}

/** Every problem found in the resolved environment of a stage; none for the local cloud. */
export function deployStageProblems(
  stage: string,
  providerEnvironment: Environment,
  functionEnvironments: Record<string, Environment>,
  functionsRunOn: unknown = "container",
): string[] {
  if (LOCAL_CLOUD_STAGES.has(stage)) return [];
  const problems: string[] = [];
  if (!FUNCTIONS_RUN_ON.some((where) => where === functionsRunOn)) {
    problems.push(
      `functionsRunOn must be ${FUNCTIONS_RUN_ON.join(" or ")}, got ${JSON.stringify(functionsRunOn)}`,
    );
  } else if (functionsRunOn === "host" && stage !== HOST_MODE_STAGE) {
    problems.push(
      `functionsRunOn=host is for stage ${HOST_MODE_STAGE} (LocalStack in host mode) only: ` +
        `stage ${stage}'s functions run in Lambda sandboxes`,
    );
  }
  const onHost = functionsRunOn === "host" && stage === HOST_MODE_STAGE;
  const url = text(providerEnvironment.UPSTASH_REDIS_REST_URL);
  const token = text(providerEnvironment.UPSTASH_REDIS_REST_TOKEN);
  if (url === "") {
    problems.push(
      "UPSTASH_REDIS_REST_URL is empty: export your Upstash database's REST URL (https://….upstash.io)",
    );
  } else if (!isHttpUrl(url)) {
    problems.push(`UPSTASH_REDIS_REST_URL is not an http(s) URL: ${url}`);
  }
  if (token === "") {
    problems.push(
      stage === HOST_MODE_STAGE
        ? "UPSTASH_REDIS_REST_TOKEN is empty: run npm run deploy:local, which passes the local stage's random tokens (or export SRH_TOKEN and SCALE_TOKEN)"
        : "UPSTASH_REDIS_REST_TOKEN is empty: export your Upstash database's REST token",
    );
  }
  const owners: [string, Environment][] = [
    ["provider.environment", providerEnvironment],
    ...Object.entries(functionEnvironments).map(([name, env]): [string, Environment] => [
      `functions.${name}.environment`,
      env,
    ]),
  ];
  for (const [owner, env] of owners) {
    if ("SCALE_TOKEN" in env && text(env.SCALE_TOKEN).length < MIN_TOKEN_LENGTH) {
      problems.push(
        `${owner}.SCALE_TOKEN has fewer than ${MIN_TOKEN_LENGTH} characters: export SCALE_TOKEN`,
      );
    }
    for (const [key, value] of Object.entries(env)) {
      if (onHost) break;
      // JSON, so that CloudFormation functions (Fn::Join of a URL) are searched too.
      const match = LOOPBACK.exec(JSON.stringify(value) ?? "");
      if (match) {
        problems.push(
          `${owner}.${key} points at ${match[0]}: inside a Lambda container that is the container itself`,
        );
      }
    }
  }
  return problems;
}

/** The parts of the serverless instance read here; `getProvider` knows the `--stage` option. */
interface PackagedService {
  service: {
    provider: { stage: string; environment?: Environment };
    functions: Record<string, { environment?: Environment } | undefined>;
    custom?: { deployChecks?: { functionsRunOn?: unknown } };
  };
  getProvider?: (name: "aws") => { getStage(): string } | undefined;
}

/** Throws a DeployConfigError naming every problem of the stage being packaged. */
export function checkDeployStage(serverless: PackagedService): void {
  const { provider, functions, custom } = serverless.service;
  // provider.stage keeps the file's default; the provider resolves --stage.
  const stage = serverless.getProvider?.("aws")?.getStage() ?? provider.stage;
  const functionEnvironments = Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, fn?.environment ?? {}]),
  );
  const problems = deployStageProblems(
    stage,
    provider.environment ?? {},
    functionEnvironments,
    custom?.deployChecks?.functionsRunOn ?? "container",
  );
  if (problems.length > 0) throw new DeployConfigError(stage, problems);
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : value == null ? "" : String(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

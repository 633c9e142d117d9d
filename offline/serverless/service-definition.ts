/**
 * What the local cloud reads from the serverless service definition (serverless.yml, as
 * serverless resolved it): function environments with their queue references, `sqs` events,
 * and custom.localCloud's settings, so that no second list of functions, queues or settings
 * exists. Pure: unit-tested beside it.
 */
import { LocalCloudError } from "../../common/errors";
import { parseStateDir } from "../../common/local-tokens";
import { type Env, intSetting, portSetting } from "../../functions/shared/settings";
import type { QueueRef as Queue, SqsEventSource } from "../contracts";

export class ServiceDefinitionError extends LocalCloudError {
  override name = "ServiceDefinitionError";
}

type EnvValue = string | number | boolean | Record<string, unknown>;

/**
 * Resolves the CloudFormation references a function's environment may hold (which AWS
 * resolves at deploy time) against the queues the local cloud created.
 */
export function resolveEnvironment(
  env: Record<string, EnvValue> | undefined,
  queues: Map<string, Queue>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    resolved[name] = resolveValue(name, value, queues);
  }
  return resolved;
}

function queueFor(variable: string, logicalId: unknown, queues: Map<string, Queue>): Queue {
  const queue = typeof logicalId === "string" ? queues.get(logicalId) : undefined;
  if (!queue) {
    throw new ServiceDefinitionError(
      `${variable}: the local cloud can only resolve references to SQS queues in resources, not ${JSON.stringify(logicalId)}`,
    );
  }
  return queue;
}

function resolveValue(variable: string, value: EnvValue, queues: Map<string, Queue>): string {
  if (typeof value !== "object") return String(value);
  if ("Ref" in value) return queueFor(variable, value.Ref, queues).url;
  const getAtt = value["Fn::GetAtt"];
  if (Array.isArray(getAtt)) {
    const queue = queueFor(variable, getAtt[0], queues);
    if (getAtt[1] === "Arn") return queue.arn;
    if (getAtt[1] === "QueueName") return queue.name;
    if (getAtt[1] === "QueueUrl") return queue.url;
  }
  throw new ServiceDefinitionError(
    `${variable}: unsupported value for the local cloud: ${JSON.stringify(value)}`,
  );
}

interface SqsEventDefinition {
  arn?: unknown;
  batchSize?: number;
  functionResponseType?: string;
  maximumConcurrency?: number;
}

export interface FunctionDefinition {
  name?: string;
  events?: Record<string, unknown>[];
  reservedConcurrency?: number;
}

/** Lambda's default batch size for SQS event sources. */
const DEFAULT_SQS_BATCH_SIZE = 10;
/** Concurrent invocations per event source when nothing limits them (Lambda allows 1,000). */
export const DEFAULT_MAX_CONCURRENCY = 100;

/** The `sqs` events of every function, as event-source mappings to run locally. */
export function sqsEventSources(
  functions: Record<string, FunctionDefinition>,
  queues: Map<string, Queue>,
): SqsEventSource[] {
  const sources: SqsEventSource[] = [];
  for (const [functionKey, definition] of Object.entries(functions)) {
    for (const event of definition.events ?? []) {
      if (!("sqs" in event)) continue;
      const sqs = (
        typeof event.sqs === "string" ? { arn: event.sqs } : event.sqs
      ) as SqsEventDefinition;
      const queue = queueByArn(functionKey, sqs.arn, queues);
      sources.push({
        functionKey,
        functionName: definition.name ?? functionKey,
        queue,
        batchSize: sqs.batchSize ?? DEFAULT_SQS_BATCH_SIZE,
        maxConcurrency:
          sqs.maximumConcurrency ?? definition.reservedConcurrency ?? DEFAULT_MAX_CONCURRENCY,
        reportBatchItemFailures: sqs.functionResponseType === "ReportBatchItemFailures",
      });
    }
  }
  return sources;
}

function queueByArn(functionKey: string, arn: unknown, queues: Map<string, Queue>): Queue {
  if (typeof arn === "string") {
    const queue = [...queues.values()].find((q) => q.arn === arn || arn.endsWith(`:${q.name}`));
    if (queue) return queue;
  } else if (typeof arn === "object" && arn !== null && "Fn::GetAtt" in arn) {
    const [logicalId] = (arn as { "Fn::GetAtt": unknown[] })["Fn::GetAtt"];
    const queue = typeof logicalId === "string" ? queues.get(logicalId) : undefined;
    if (queue) return queue;
  }
  throw new ServiceDefinitionError(
    `function ${functionKey}: its sqs event names a queue not declared in resources: ${JSON.stringify(arn)}`,
  );
}

export interface LocalCloudSettings {
  dashboardPort: number;
  redisPort: number;
  bridgePort: number;
  sqsPort: number;
  redisUrl: string | undefined;
  jsonCacheMs: number;
  /** The folder whose changes rebuild the functions, or undefined (FUNCTIONS_WATCH=none). */
  watch: string | undefined;
  httpPort: number;
  /**
   * Where the local cloud keeps its Redis data (LOCAL_CLOUD_STATE_DIR; relative: to the
   * service), or undefined (`none`): an ephemeral Redis.
   */
  stateDir: string | undefined;
  /** redis-server deaths within a minute that stop the local cloud (REDIS_MAX_DEATHS_PER_MINUTE). */
  redisMaxDeathsPerMinute: number;
  /**
   * serverless-offline's `terminateIdleLambdaTime` (FUNCTION_IDLE_SECONDS): an instance idle
   * this long is dropped, so the next call is a cold start (Lambda keeps them minutes).
   */
  functionIdleSeconds: number;
}

/** serverless has resolved these from the environment; they are parsed as the settings they are. */
function asEnv(values: Record<string, unknown>): Env {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value === undefined ? undefined : String(value),
    ]),
  );
}

/** `none`: an ephemeral Redis that keeps nothing (the cost of durability is measured so). */
function stateFolder(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== "string") {
    throw new ServiceDefinitionError(
      `LOCAL_CLOUD_STATE_DIR must be a folder, got ${JSON.stringify(value)}`,
    );
  }
  return parseStateDir(value);
}

/** Up to an hour: the local cloud keeps every instance of a busy afternoon otherwise. */
const MAX_IDLE_SECONDS = 3_600;

function watchFolder(value: unknown): string | undefined {
  if (value === undefined || value === "" || value === "none") return undefined;
  if (typeof value !== "string" || value.startsWith("/") || value.split("/").includes("..")) {
    throw new ServiceDefinitionError(
      `FUNCTIONS_WATCH must be a folder of the service, or none; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** custom.localCloud and custom.serverless-offline, validated. */
export function localCloudSettings(
  custom: Record<string, unknown> | undefined,
): LocalCloudSettings {
  const local = (custom?.localCloud ?? {}) as Record<string, unknown>;
  const offline = (custom?.["serverless-offline"] ?? {}) as Record<string, unknown>;
  const redisUrl =
    typeof local.redisUrl === "string" && local.redisUrl !== "" ? local.redisUrl : undefined;
  const env = asEnv({
    DASHBOARD_PORT: local.dashboardPort,
    REDIS_PORT: local.redisPort,
    BRIDGE_PORT: local.bridgePort,
    SQS_PORT: local.sqsPort,
    JSON_CACHE_MS: local.jsonCacheMs,
    API_PORT: offline.httpPort,
    FUNCTION_IDLE_SECONDS: offline.terminateIdleLambdaTime,
    REDIS_MAX_DEATHS_PER_MINUTE: local.redisMaxDeathsPerMinute,
  });
  return {
    dashboardPort: portSetting(env, "DASHBOARD_PORT", 8000),
    redisPort: portSetting(env, "REDIS_PORT", 6390),
    bridgePort: portSetting(env, "BRIDGE_PORT", 8079),
    sqsPort: portSetting(env, "SQS_PORT", 9324),
    redisUrl,
    jsonCacheMs: intSetting(env, "JSON_CACHE_MS", { default: 250, min: 0, max: 1_000 }),
    watch: watchFolder(local.watch),
    httpPort: portSetting(env, "API_PORT", 3000),
    stateDir: stateFolder(local.stateDir),
    redisMaxDeathsPerMinute: intSetting(env, "REDIS_MAX_DEATHS_PER_MINUTE", {
      default: 5,
      min: 1,
      max: 100,
    }),
    // serverless-offline's own default, when serverless.yml does not set it.
    functionIdleSeconds: intSetting(env, "FUNCTION_IDLE_SECONDS", {
      default: 60,
      min: 1,
      max: MAX_IDLE_SECONDS,
    }),
  };
}

/**
 * The functions of the service definition as the local function runner needs them: handler,
 * timeout, memory, reserved concurrency and the whole environment Lambda would give each one.
 * Pure: the environment is composed as serverless-offline 13 composes it (the host's AWS_*
 * variables, Lambda's own, then provider.environment, then the function's, then IS_OFFLINE),
 * so moving off its runner changes nothing a function can see.
 */
import type { FunctionSpec } from "./function-runner";

/** Lambda's defaults when serverless.yml says nothing (as serverless-offline's). */
const DEFAULT_TIMEOUT_SECONDS = 6;
const DEFAULT_MEMORY_MB = 1024;

/** Resolved by the time functions run (the local cloud resolves queue references first). */
type EnvValue = unknown;

export interface RunnableFunction {
  name?: string;
  handler: string;
  timeout?: number;
  memorySize?: number;
  reservedConcurrency?: number | string;
  environment?: Record<string, EnvValue>;
}

export interface RunnableService {
  provider: {
    region: string;
    timeout?: number;
    memorySize?: number;
    environment?: Record<string, EnvValue>;
  };
  functions: Record<string, RunnableFunction>;
}

function strings(env: Record<string, EnvValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

/** Every function of the service, by its deployed name. */
export function functionSpecs(
  service: RunnableService,
  hostAwsVariables: Record<string, string>,
): Map<string, FunctionSpec> {
  const { provider } = service;
  const specs = new Map<string, FunctionSpec>();
  for (const [key, fn] of Object.entries(service.functions)) {
    const name = fn.name ?? key;
    const memorySize = fn.memorySize ?? provider.memorySize ?? DEFAULT_MEMORY_MB;
    const env = strings({
      ...hostAwsVariables,
      _HANDLER: fn.handler,
      AWS_DEFAULT_REGION: provider.region,
      AWS_REGION: provider.region,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memorySize,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${name}`,
      LANG: "en_US.UTF-8",
      ...provider.environment,
      ...fn.environment,
      IS_OFFLINE: "true",
    });
    const reserved = fn.reservedConcurrency;
    specs.set(name, {
      key,
      name,
      handler: fn.handler,
      timeoutMs: (fn.timeout ?? provider.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      memorySize,
      region: provider.region,
      env,
      reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
    });
  }
  return specs;
}

/**
 * The AWS_* settings every function has alike (region, credentials, the local SQS endpoint):
 * what the AWS SDK, which the bundles leave external and so share, reads from the process.
 */
export function sharedAwsSettings(specs: Map<string, FunctionSpec>): Record<string, string> {
  const all = [...specs.values()].map((spec) => spec.env);
  const [first, ...rest] = all;
  const shared: Record<string, string> = {};
  for (const [key, value] of Object.entries(first ?? {})) {
    if (key.startsWith("AWS_") && rest.every((env) => env[key] === value)) shared[key] = value;
  }
  return shared;
}

/**
 * The ports `npm start` binds, read where the local cloud reads them: serverless.yml's
 * custom.localCloud and custom.serverless-offline, whose `${env:NAME, "default"}` references
 * name the setting of each port. The doctor resolves those references itself (as serverless
 * would, without loading it: about 2 s) and validates the result with the local cloud's own
 * localCloudSettings. Pure, given the file's text and the environment: unit-tested beside it.
 */
import { parse } from "yaml";
import type { Env } from "../../functions/shared/settings";
import { localCloudSettings } from "../../offline/serverless/service-definition";
import type { CheckResult } from "./report";

export class PortPlanError extends Error {
  override readonly name = "PortPlanError";
}

export interface PortNeed {
  /** Its key in serverless.yml (httpPort, redisPort, …). */
  key: string;
  /** The environment variable that sets it (API_PORT, …), from serverless.yml. */
  setting: string;
  /** What listens there. */
  role: string;
  port: number;
}

/** serverless.yml's port keys: the section, the key, and what listens there. */
const PORT_KEYS = [
  ["serverless-offline", "httpPort", "API"],
  ["serverless-offline", "lambdaPort", "Lambda invoke"],
  ["localCloud", "dashboardPort", "dashboard"],
  ["localCloud", "redisPort", "redis-server"],
  ["localCloud", "bridgePort", "Upstash bridge"],
  ["localCloud", "sqsPort", "fauxqs SQS"],
] as const;

const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?:,\s*"([^"]*)")?\}$/;

/** `${env:NAME, "default"}` → NAME and its value; anything else is taken literally. */
function resolve(value: unknown, env: Env): { setting?: string; value: unknown } {
  if (typeof value !== "string") return { value };
  const match = ENV_REFERENCE.exec(value);
  if (!match?.[1]) return { value };
  const fromEnv = env[match[1]];
  return { setting: match[1], value: fromEnv !== undefined && fromEnv !== "" ? fromEnv : match[2] };
}

/**
 * The ports `npm start` needs free, with their settings. With REDIS_URL set, the local cloud
 * starts no redis-server, so its port is not needed.
 */
export function portNeeds(serverlessYml: string, env: Env): PortNeed[] {
  const custom = (parse(serverlessYml) as { custom?: Record<string, Record<string, unknown>> })
    .custom;
  const sections: Record<string, Record<string, unknown>> = {};
  const settings: Record<string, string> = {};
  for (const section of ["localCloud", "serverless-offline"]) {
    sections[section] = {};
    for (const [key, raw] of Object.entries(custom?.[section] ?? {})) {
      const { setting, value } = resolve(raw, env);
      (sections[section] as Record<string, unknown>)[key] = value;
      if (setting) settings[`${section}.${key}`] = setting;
    }
  }
  let resolved: ReturnType<typeof localCloudSettings>;
  try {
    resolved = localCloudSettings(sections);
  } catch (err) {
    throw new PortPlanError((err as Error).message);
  }
  const lambdaPort = Number(sections["serverless-offline"]?.lambdaPort ?? 3002);
  if (!Number.isInteger(lambdaPort) || lambdaPort < 1 || lambdaPort > 65_535) {
    throw new PortPlanError(`LAMBDA_PORT must be a TCP port (1-65535), got ${lambdaPort}`);
  }
  const ports: Record<string, number> = {
    httpPort: resolved.httpPort,
    lambdaPort,
    dashboardPort: resolved.dashboardPort,
    redisPort: resolved.redisPort,
    bridgePort: resolved.bridgePort,
    sqsPort: resolved.sqsPort,
  };
  return PORT_KEYS.filter(([, key]) => !(key === "redisPort" && resolved.redisUrl)).map(
    ([section, key, role]) => ({
      key,
      setting: settings[`${section}.${key}`] ?? `custom.${section}.${key}`,
      role,
      port: ports[key] as number,
    }),
  );
}

/**
 * What a probe found on a port: free; held by a redis-server an earlier local cloud of this
 * checkout left running (its pid), which `npm start` shuts down and takes the port back from;
 * or held by anything else (a process /proc names, where it can).
 */
export type PortState =
  | { free: true }
  | { free: false; leftoverRedis: number | undefined }
  | { free: false; holder: string | undefined; error: string };

/** The port settings themselves are wrong: the local cloud would refuse them at start. */
export function portPlanCheck(error: PortPlanError): CheckResult {
  return {
    id: "ports",
    title: "ports",
    status: "fail",
    optional: false,
    summary: error.message,
    fix: "correct that setting, or unset it for the default",
  };
}

export function portCheck(need: PortNeed, state: PortState): CheckResult {
  const base = {
    id: `port:${need.setting}`,
    title: `port ${need.port} (${need.role})`,
    optional: false,
  };
  if (state.free) return { ...base, status: "ok", summary: `free (${need.setting})` };
  if ("leftoverRedis" in state) {
    return {
      ...base,
      status: "ok",
      summary: `held by a redis-server (pid ${state.leftoverRedis ?? "?"}) an earlier local cloud of this checkout left: \`npm start\` takes it back`,
    };
  }
  const holder = state.holder ? `in use by ${state.holder}` : `not available (${state.error})`;
  return {
    ...base,
    status: "fail",
    summary: `${holder}: \`npm start\` cannot listen there`,
    fix: `stop it, or set ${need.setting} to a free port`,
  };
}

/**
 * What the local cloud reads from its process environment, in one place. Its ports and
 * settings come from serverless.yml (custom.localCloud, resolved by serverless from the
 * environment); this is only what serverless does not resolve.
 */

import { type GuardPolicy, guardPolicy } from "../common/http-guard";
import type { Env } from "../functions/shared/settings";
import { INJECT_FAULT_VARIABLE } from "./serverless/fault-injection";

export interface LocalCloudEnvironment {
  /** The host's AWS_* variables, which serverless-offline passes on to every function. */
  awsVariables: Record<string, string>;
  /** Colours in the log strip: NO_COLOR turns them off, FORCE_COLOR on, else a TTY decides. */
  colour: boolean;
  /** Credentials the functions' AWS SDK clients send to the local SQS (any value works). */
  awsCredentials: { accessKeyId: string; secretAccessKey: string };
  /** LOCAL_ALLOWED_HOSTS and LOCAL_ALLOWED_ORIGINS: what every server's guard lets through. */
  guard: GuardPolicy;
  /** LOCAL_CLOUD_INJECT_FAULT, unparsed: checked against the functions once they are known. */
  injectFault: string | undefined;
}

export function localCloudEnvironment(
  env: Env = process.env,
  stdoutIsTty = Boolean(process.stdout.isTTY),
): LocalCloudEnvironment {
  const awsVariables: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith("AWS_") && value !== undefined) awsVariables[key] = value;
  }
  return {
    awsVariables,
    colour: env.NO_COLOR ? false : env.FORCE_COLOR ? true : stdoutIsTty,
    awsCredentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
    guard: guardPolicy(env),
    injectFault: env[INJECT_FAULT_VARIABLE],
  };
}

/**
 * The AWS SDK warns, once per process and worker thread, that its 2027 releases need Node 22.
 * Lambda runs Node 24; locally the warning is noise on every start (and copied to functions).
 */
export function silenceSdkNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/**
 * Puts the settings every function shares into this process's environment, for the packages
 * the functions' bundles leave external (the AWS SDK) and so share (see function-specs.ts).
 */
export function exposeToSharedPackages(settings: Record<string, string>): void {
  for (const [key, value] of Object.entries(settings)) process.env[key] = value;
}

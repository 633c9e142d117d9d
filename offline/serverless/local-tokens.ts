/**
 * Stage dev's tokens in the service definition: where serverless.yml left them empty (its
 * params.dev default to the environment, else ""), the random ones kept in the state folder
 * (common/local-tokens.ts), as the functions' UPSTASH_REDIS_REST_TOKEN and SCALE_TOKEN.
 */
import { join } from "node:path";
import { keepLocalTokens, localCloudTokensDir, TOKENS_FILE } from "../../common/local-tokens";

type Environment = Record<string, unknown>;

/** The parts of the service definition that hold tokens. */
export interface TokenHolders {
  provider: { environment?: Environment };
  functions: Record<string, { environment?: Environment }>;
}

/**
 * Fills the empty tokens of `service` in place; returns the Redis REST token (the bridge's),
 * the scale token (the dashboard's page gets it) and, when the state folder was used, a line
 * saying where the tokens are.
 */
export function fillLocalTokens(
  service: TokenHolders,
  serviceDir: string,
  stateDir: string | undefined,
): { redisRestToken: string; scaleToken: string | undefined; note: string | undefined } {
  const environment = service.provider.environment ?? {};
  service.provider.environment = environment;
  const given = String(environment.UPSTASH_REDIS_REST_TOKEN ?? "");
  // The functions that take SCALE_TOKEN; an empty one gets the kept token.
  const scaleHolders = Object.values(service.functions).flatMap((fn) =>
    typeof fn.environment?.SCALE_TOKEN === "string" ? [fn.environment] : [],
  );
  const emptyScaleTokens = scaleHolders.filter((holder) => holder.SCALE_TOKEN === "");
  let redisRestToken = given;
  let note: string | undefined;
  if (given === "" || emptyScaleTokens.length > 0) {
    const dir = localCloudTokensDir(serviceDir, stateDir);
    const ephemeral = stateDir === undefined;
    const { tokens, made } = keepLocalTokens(dir, { renew: ephemeral });
    for (const holder of emptyScaleTokens) holder.SCALE_TOKEN = tokens.scaleToken;
    if (given === "") redisRestToken = tokens.redisRestToken;
    environment.UPSTASH_REDIS_REST_TOKEN = redisRestToken;
    const where = join(dir, TOKENS_FILE);
    note = `tokens: ${made ? "made" : "kept"} in ${where}${ephemeral ? " (ephemeral state: new at each start)" : ""}`;
  }
  // Every holder's token is set now; the first function's is the dashboard page's.
  const scaleToken = scaleHolders[0]?.SCALE_TOKEN as string | undefined;
  return { redisRestToken, scaleToken, note };
}

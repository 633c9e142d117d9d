/**
 * `npm run smoke:local`: checks the deployed `local` stage from the host. rng answers 32
 * bytes, hasher's digest matches, the hash counter in /json rises within 90 s, and the site
 * (S3 website, reached without DNS) answers with its API config. Exits non-zero on the first
 * failure, naming it.
 */
import { requireDocker, requireLocalStack, say } from "./preflight";
import { checkHasher, checkHashesRise, checkRng, checkSite } from "./smoke-checks";
import { apiUrl, kickSupervisor, localStackEndpoint, websiteHost } from "./stack";

/** A first call may wait for a Lambda container to start. */
const COLD_START_MS = 60_000;
const RISE_WITHIN_MS = 90_000;

export async function main(): Promise<void> {
  const endpoint = localStackEndpoint();
  say("checking for Docker and a healthy LocalStack");
  await requireDocker();
  await requireLocalStack(endpoint);
  const api = apiUrl(endpoint);

  let started = Date.now();
  await checkRng(api, COLD_START_MS);
  say(`✓ rng: GET ${api}/rng/32 answered 32 bytes (${Date.now() - started} ms)`);

  started = Date.now();
  await checkHasher(api, COLD_START_MS);
  say(`✓ hasher: the digest of 64 random bytes matches sha256 (${Date.now() - started} ms)`);

  // A ticket may have failed while rng was cold; a supervisor run issues a fresh one now.
  await kickSupervisor(endpoint);
  say(`waiting up to ${RISE_WITHIN_MS / 1000} s for the hash counter to rise`);
  const rise = await checkHashesRise(api, {
    timeoutMs: RISE_WITHIN_MS,
    pollMs: 2_000,
    requestTimeoutMs: COLD_START_MS,
  });
  say(`✓ /json: hashes rose from ${rise.from} to ${rise.to} in ${rise.seconds.toFixed(1)} s`);

  const host = websiteHost(endpoint);
  await checkSite(`${endpoint}/`, { hostHeader: host, expectApiBase: api, timeoutMs: 10_000 });
  say(`✓ site: http://${host}/ answers its page and config.json`);
  say("smoke test passed");
}

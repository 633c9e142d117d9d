/**
 * The default tokens of every local stage, written once. Nothing secret: they guard loopback
 * services on a learner's laptop (the local cloud's Upstash bridge, host mode's bridge, SRH in
 * Docker) and `PUT /workers` there. AWS stages have no default (packaging refuses an empty one).
 *
 * YAML cannot import them, so serverless.yml (params.dev, params.local) and
 * localstack/docker-compose.yml (SRH_TOKEN) repeat them; local-tokens.test.ts and
 * tests/integration/localstack-compose.test.ts fail when a copy differs.
 */

/** The Upstash REST token of every local Redis unless UPSTASH_REDIS_REST_TOKEN / SRH_TOKEN is set. */
export const LOCAL_REDIS_REST_TOKEN = "dockercoins-local-token";

/** The bearer token of `PUT /workers` locally unless SCALE_TOKEN is set. */
export const LOCAL_SCALE_TOKEN = "dockercoins-local-scale-token";

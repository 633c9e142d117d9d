/**
 * Environment for importing handlers in unit tests: valid settings pointing at a closed
 * port, so nothing is reached by accident and a call that does reach out fails fast.
 */
export const unreachableEnv = {
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_TOKEN: "unit-test-token",
  REDIS_TIMEOUT_MS: "500",
  WORKER_QUEUE_URL: "http://127.0.0.1:9/000000000000/tickets",
  API_BASE_URL: "http://127.0.0.1:9/dev",
  SCALE_TOKEN: "unit-test-scale-token",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  LOG_LEVEL: "error",
};

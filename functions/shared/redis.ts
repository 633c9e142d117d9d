import { Redis } from "@upstash/redis";
import type { RedisConfig } from "./config";

/**
 * The one Redis client of a function instance (created at module load, reused while warm).
 * Retries are kept short and each request has a deadline, so a Redis outage surfaces as an
 * error within seconds rather than a hung invocation.
 */
export function createRedis(config: RedisConfig): Redis {
  return new Redis({
    url: config.url,
    token: config.token,
    enableTelemetry: false,
    // Values come back as Redis stores them (strings); callers parse what they expect.
    automaticDeserialization: false,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(config.timeoutMs),
  });
}

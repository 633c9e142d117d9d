import type IORedis from "ioredis";

/** Sum of the per-second hash buckets (`hashes:s:*`), read with SCAN (tests only). */
export async function sumOfBuckets(redis: IORedis): Promise<number> {
  let total = 0;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", "hashes:s:*", "COUNT", 1000);
    cursor = next;
    if (found.length > 0)
      total += (await redis.mget(...found)).reduce((sum, v) => sum + Number(v), 0);
  } while (cursor !== "0");
  return total;
}

/** Adds up the counts in the worker's "N units of work done" log lines. */
export function loggedUnits(output: string[]): number {
  return output
    .map((line) => /(\d+) units of work done/.exec(line)?.[1])
    .filter((n): n is string => n !== undefined)
    .reduce((sum, n) => sum + Number(n), 0);
}

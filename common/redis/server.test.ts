import { describe, expect, it } from "vitest";
import { freePort } from "../ports";
import { RedisServerMissingError, startRedisServer } from "./server";

describe("startRedisServer", () => {
  it("rejects with RedisServerMissingError and install advice when the binary is missing", async () => {
    const start = startRedisServer({ port: 0, binary: "redis-server-that-does-not-exist" });
    await expect(start).rejects.toBeInstanceOf(RedisServerMissingError);
    await expect(start).rejects.toThrow(
      /was not found on PATH; install it with `sudo apt-get install redis-server` .*`brew install redis` .*set REDIS_URL/,
    );
  });
});

describe("freePort", () => {
  it("returns TCP port numbers the OS considers free", async () => {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    for (const port of [a, b]) {
      expect(port).toBeGreaterThan(0);
      expect(port).toBeLessThan(65536);
    }
  });
});

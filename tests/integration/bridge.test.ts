/**
 * The local Upstash REST bridge against a real redis-server, driven by the real @upstash/redis
 * client, so any drift between what the client sends/expects and what the bridge speaks fails here.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRedisServer, startRedisServer } from "../../common/redis/server";
import { type RunningBridge, startBridge } from "../../common/upstash-bridge/server";

const TOKEN = `test-${randomBytes(8).toString("hex")}`;

let server: RunningRedisServer;
let bridge: RunningBridge;
let redis: Redis;
const bridgeLog: string[] = [];

beforeAll(async () => {
  server = await startRedisServer({ port: 0 });
  bridge = await startBridge({ redisUrl: server.url, token: TOKEN, log: (l) => bridgeLog.push(l) });
  redis = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
});

afterAll(async () => {
  await bridge?.close();
  await server?.stop();
});

/** POSTs a raw body, for what the typed client cannot send. */
async function post(path: string, body: string, token = TOKEN) {
  const res = await fetch(`${bridge.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("Upstash bridge with the real @upstash/redis client", () => {
  it("sets and gets strings, including unicode", async () => {
    expect(await redis.set("greeting", "hello")).toBe("OK");
    expect(await redis.get("greeting")).toBe("hello");
    await redis.set("unicode", "héllo ✓ 🪙");
    expect(await redis.get("unicode")).toBe("héllo ✓ 🪙");
  });

  it("increments with INCRBY and answers null for a missing key", async () => {
    expect(await redis.incrby("hashes", 4)).toBe(4);
    expect(await redis.incrby("hashes", 3)).toBe(7);
    expect(await redis.get("no-such-key")).toBeNull();
  });

  it("handles hashes with HSET, HLEN and HGETALL", async () => {
    expect(await redis.hset("wallet", { abc: "coin-a", def: "coin-b" })).toBe(2);
    expect(await redis.hlen("wallet")).toBe(2);
    expect(await redis.hgetall("wallet")).toEqual({ abc: "coin-a", def: "coin-b" });
  });

  it("round-trips binary values stored as hex", async () => {
    const hex = randomBytes(64).toString("hex");
    await redis.hset("blocks", { [hex]: hex });
    expect(await redis.hget("blocks", hex)).toBe(hex);
    expect(Buffer.from(hex, "hex")).toHaveLength(64);
  });

  it("runs an explicit pipeline", async () => {
    const p = redis.pipeline();
    p.set("p:n", 10).incr("p:n").get("p:n").del("p:n");
    expect(await p.exec()).toEqual(["OK", 11, 11, 1]);
  });

  it("batches concurrent commands into few /pipeline requests (auto-pipelining)", async () => {
    const batches = () => Reflect.get(redis, "pipelineCounter") as number;
    const before = batches();
    const results = await Promise.all(Array.from({ length: 50 }, () => redis.incr("auto")));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(batches() - before).toBeLessThanOrEqual(2);
  });

  it("runs MULTI/EXEC transactions atomically", async () => {
    const other = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
    const tx = redis.multi().set("tx:n", 0);
    for (let i = 0; i < 20; i++) tx.incr("tx:n");
    tx.get("tx:n");
    const [results] = await Promise.all([
      tx.exec(),
      ...Array.from({ length: 20 }, () => other.incr("tx:n")),
    ]);
    // Had another client's INCR landed inside the transaction, GET would not read exactly 20.
    expect(results.at(-1)).toBe(20);
    expect(await redis.get("tx:n")).toBe(40);
  });

  it("reports a failing command inside a transaction per command", async () => {
    await redis.set("tx:word", "abc");
    const tx = redis.multi().set("tx:ok", "yes").incr("tx:word");
    const results = await tx.exec({ keepErrors: true });
    expect(results[0]).toEqual({ error: undefined, result: "OK" });
    expect(results[1]?.error).toBe("ERR value is not an integer or out of range");
    await expect(redis.multi().incr("tx:word").exec()).rejects.toThrow(
      "Command 1 [ incr ] failed: ERR value is not an integer or out of range",
    );
  });

  it("discards a whole transaction when a command cannot be queued (EXECABORT)", async () => {
    const { status, json } = await post("/multi-exec", '[["set","tx:never","1"],["set","x"]]');
    expect(status).toBe(400);
    expect(json.error).toMatch(/^EXECABORT .*wrong number of arguments for 'set'/);
    expect(await redis.get("tx:never")).toBeNull();
  });

  it("passes Redis error replies through so the client throws them", async () => {
    await redis.set("word", "abc");
    await expect(redis.incr("word")).rejects.toThrow("ERR value is not an integer or out of range");
  });

  it("rejects a wrong token with 401", async () => {
    const intruder = new Redis({ url: bridge.url, token: "wrong", enableTelemetry: false });
    await expect(intruder.get("greeting")).rejects.toThrow("Unauthorized");
    expect(await post("/", '["get","greeting"]', "wrong")).toEqual({
      status: 401,
      json: { error: "Unauthorized" },
    });
  });

  it("refuses admin commands like FLUSHALL and keeps the data", async () => {
    await expect(redis.flushall()).rejects.toThrow(
      "ERR command 'flushall' is not allowed by the local bridge (set allowAllCommands)",
    );
    await expect(redis.multi().set("tx:x", 1).flushdb().exec()).rejects.toThrow("not allowed");
    expect(await redis.get("greeting")).toBe("hello");
    expect(await redis.get("tx:x")).toBeNull();
  });

  it("answers malformed requests with JSON errors", async () => {
    expect(await post("/", '["get",')).toMatchObject({
      status: 400,
      json: { error: /not valid JSON/ },
    });
    expect(await post("/", '{"get":"x"}')).toMatchObject({ status: 400 });
    expect(await post("/pipeline", "[]")).toMatchObject({ status: 400 });
    expect(await post("/nope", "[]")).toMatchObject({ status: 404, json: { error: /unknown/ } });
    const huge = JSON.stringify(["set", "big", "x".repeat(1024 * 1024 + 1)]);
    expect(await post("/", huge)).toMatchObject({
      status: 413,
      json: { error: /max request size/ },
    });
  });

  it("fails fast while Redis is down and recovers when it is back on the same port", async () => {
    const { port } = server;
    await server.stop();
    const started = Date.now();
    await expect(redis.get("greeting")).rejects.toThrow(/cannot reach Redis/);
    expect(Date.now() - started).toBeLessThan(3_000);

    server = await startRedisServer({ port });
    const deadline = Date.now() + 10_000;
    let answer: unknown;
    while (answer !== "OK" && Date.now() < deadline) {
      answer = await redis.set("after-restart", "yes").catch(() => undefined);
      if (answer !== "OK") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer).toBe("OK");
    expect(await redis.get("after-restart")).toBe("yes");
    expect(bridgeLog.some((line) => line.includes("lost Redis"))).toBe(true);
    expect(bridgeLog.some((line) => line.includes("is back"))).toBe(true);
  });
});

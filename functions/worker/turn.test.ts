import { describe, expect, it } from "vitest";
import { FakeRedis } from "../../tests/fixtures/fake-redis";
import { unreachableEnv } from "../../tests/fixtures/function-env";
import { loadWorkerConfig } from "../shared/config";
import { keys } from "../shared/keys";
import type { Logger } from "../shared/log";
import { Replicas } from "../shared/replicas/replicas";
import type { Ticket } from "../shared/replicas/ticket";
import { backlogIsEmpty, emptyBacklog, storeFailureStreak } from "./mining";
import { takeTurn } from "./turn";

const config = loadWorkerConfig({ ...unreachableEnv, WORKER_SLICE_MS: "5000" });
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const REMAINING_MS = 30_000;

/**
 * One worker instance on a fake Redis and a virtual clock: sleeps advance time at once, and
 * rng and hasher each take 100 ms of it, so a 5 s slice mines about 16 hashes in microseconds.
 */
function instance() {
  const clock = {
    t: 1_000_000,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  const redis = new FakeRedis(clock.now);
  const sent: Ticket[] = [];
  const replicas = new Replicas(
    redis.asClient(),
    { send: async (t) => void sent.push(t) },
    config,
    clock.now,
  );
  let hashed = 0;
  const ports = {
    random: async (count: number) => {
      clock.t += 100;
      return new Uint8Array(count);
    },
    hash: async () => {
      clock.t += 100;
      hashed += 1;
      return "1".repeat(64);
    },
  };
  const deps = {
    config,
    redis: redis.asClient(),
    replicas,
    ports,
    clock,
    log: quiet,
    storeStreak: storeFailureStreak(quiet),
  };
  return { deps, redis, replicas, sent, clock, hashed: () => hashed };
}

/** A flush's transaction: the lease renewal starts with SET … GET, then ZREMRANGEBYSCORE. */
const isFlush = (commands: readonly string[]) => commands.includes("zremrangebyscore");

async function firstTicket(replicas: Replicas, sent: Ticket[]): Promise<Ticket> {
  await replicas.issueMissingTickets();
  return sent.at(-1) as Ticket;
}

describe("a worker turn", () => {
  it("mines one slice, saves every hash it computed, and queues its continuation", async () => {
    const { deps, redis, replicas, sent, hashed } = instance();
    const ticket = await firstTicket(replicas, sent);
    const backlog = await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    expect(backlogIsEmpty(backlog)).toBe(true);
    expect(hashed()).toBeGreaterThan(10);
    expect(redis.counter(keys.hashes)).toBe(hashed());
    expect(sent).toHaveLength(2);
    expect(await redis.get(keys.ticket(0))).toBe(sent[1]?.id);
  });

  it("does nothing for a duplicate of a ticket that already ran", async () => {
    const { deps, redis, replicas, sent, hashed } = instance();
    const ticket = await firstTicket(replicas, sent);
    await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    const before = hashed();
    await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    expect(hashed()).toBe(before);
    expect(redis.counter(keys.hashes)).toBe(before);
    expect(sent).toHaveLength(2); // no second continuation: the chain does not fork
  });

  it("carries the counts it could not save to the instance's next turn, which saves them", async () => {
    const { deps, redis, replicas, sent, hashed } = instance();
    const ticket = await firstTicket(replicas, sent);
    // Redis refuses every flush of the first turn (its final retries included).
    redis.failTransaction = (commands) => (isFlush(commands) ? "down" : undefined);
    const carried = await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    expect(backlogIsEmpty(carried)).toBe(false);
    expect(redis.counter(keys.hashes)).toBe(0);
    // Redis is back; the replica's chain was lost meanwhile, so the supervisor re-tickets it.
    redis.failTransaction = () => undefined;
    await redis.del(keys.lease(0), keys.ticket(0));
    const next = await firstTicket(replicas, sent);
    const left = await takeTurn(deps, next, REMAINING_MS, carried);
    expect(backlogIsEmpty(left)).toBe(true);
    expect(redis.counter(keys.hashes)).toBe(hashed());
  });

  it("counts a batch whose reply was lost exactly once", async () => {
    const { deps, redis, replicas, sent, hashed } = instance();
    const ticket = await firstTicket(replicas, sent);
    let lost = 0;
    redis.failTransaction = (commands) =>
      isFlush(commands) && commands.includes("incrby") && lost++ < 2 ? "reply-lost" : undefined;
    await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    expect(redis.counter(keys.hashes)).toBe(hashed());
  });

  it("retires when the desired count drops below its replica: no continuation ticket", async () => {
    const { deps, redis, replicas, sent } = instance();
    await redis.set(keys.desiredReplicas, "2");
    await replicas.issueMissingTickets();
    const second = sent[1] as Ticket;
    await replicas.beginTurn(sent[0] as Ticket, config.leaseTtlMs); // replica 0 is busy elsewhere
    await redis.set(keys.desiredReplicas, "1");
    await takeTurn(deps, second, REMAINING_MS, emptyBacklog());
    expect(sent).toHaveLength(2);
    expect(await redis.get(keys.ticket(1))).toBeNull();
  });

  it("stops at its next flush once the halt flag is up, saving what it mined", async () => {
    const { deps, redis, replicas, sent, hashed } = instance();
    const ticket = await firstTicket(replicas, sent);
    await redis.set(keys.halt, "1");
    await takeTurn(deps, ticket, REMAINING_MS, emptyBacklog());
    expect(hashed()).toBeGreaterThan(0);
    expect(hashed()).toBeLessThan(6); // about one flush interval, not the whole 5 s slice
    expect(redis.counter(keys.hashes)).toBe(hashed());
    expect(sent).toHaveLength(1);
    expect(await redis.get(keys.lease(0))).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { FakeRedis } from "../../../tests/fixtures/fake-redis";
import type { ReplicaConfig } from "../config";
import { keys } from "../keys";
import type { TicketQueue } from "./queue";
import { activeReplicaCount, clearHalt, haltReplicas, Replicas } from "./replicas";
import type { Ticket } from "./ticket";

const LEASE_MS = 5_000;
const GRACE_MS = 15_000;

const config: ReplicaConfig = {
  redis: { url: "http://unused", token: "unused", timeoutMs: 100 },
  queueUrl: "http://unused/queue",
  defaultReplicas: 1,
  maxReplicas: 10,
  ticketGraceMs: GRACE_MS,
};

/** A protocol on a fake Redis with a clock the test moves, and a queue that records tickets. */
function protocol() {
  const clock = { t: 1_000_000 };
  const redis = new FakeRedis(() => clock.t);
  const sent: Ticket[] = [];
  let queueDown = false;
  const queue: TicketQueue = {
    async send(ticket) {
      if (queueDown) throw new Error("SQS down");
      sent.push(ticket);
    },
  };
  const replicas = new Replicas(redis.asClient(), queue, config, () => clock.t);
  return {
    clock,
    redis,
    sent,
    replicas,
    breakQueue: () => {
      queueDown = true;
    },
  };
}

describe("the replica protocol", () => {
  it("issues one ticket per wanted replica, and none twice while it is in flight", async () => {
    const { replicas, redis, sent } = protocol();
    await redis.set(keys.desiredReplicas, "3");
    expect((await replicas.issueMissingTickets()).issued).toEqual([0, 1, 2]);
    // A second supervisor run (or a concurrent one) finds every ticket in flight.
    expect((await replicas.issueMissingTickets()).issued).toEqual([]);
    expect(sent.map((t) => t.replica)).toEqual([0, 1, 2]);
  });

  it("lets a ticket take the lease once: a duplicate delivery of it is stale", async () => {
    const { replicas, sent } = protocol();
    await replicas.issueMissingTickets();
    const [ticket] = sent as [Ticket];
    expect(await replicas.beginTurn(ticket, LEASE_MS)).toBe("run");
    expect(await replicas.beginTurn(ticket, LEASE_MS)).toBe("stale");
  });

  it("refuses a current ticket while another turn still holds the replica's lease", async () => {
    const { replicas, redis, sent } = protocol();
    await replicas.issueMissingTickets();
    const [ticket] = sent as [Ticket];
    await redis.set(keys.lease(0), "some-other-turn", { px: LEASE_MS });
    expect(await replicas.beginTurn(ticket, LEASE_MS)).toBe("busy");
  });

  it("makes a superseded ticket stale: only the replica's newest ticket may run", async () => {
    const { replicas, clock, sent } = protocol();
    await replicas.issueMissingTickets();
    // The first ticket's message is slow; its grace ends and the supervisor issues another.
    clock.t += GRACE_MS + 1;
    await replicas.issueMissingTickets();
    const [first, second] = sent as [Ticket, Ticket];
    expect(first.id).not.toBe(second.id);
    expect(await replicas.beginTurn(first, LEASE_MS)).toBe("stale");
    expect(await replicas.beginTurn(second, LEASE_MS)).toBe("run");
  });

  it("hands over to exactly one continuation ticket, which runs once the lease is released", async () => {
    const { replicas, sent } = protocol();
    await replicas.issueMissingTickets();
    const [ticket] = sent as [Ticket];
    await replicas.beginTurn(ticket, LEASE_MS);
    const next = await replicas.endTurn(ticket, "continue");
    expect(sent.at(-1)).toEqual(next);
    // While the continuation is in flight, repair issues nothing for the replica.
    expect((await replicas.issueMissingTickets()).issued).toEqual([]);
    expect(await replicas.beginTurn(next as Ticket, LEASE_MS)).toBe("run");
  });

  it("retires a replica above the desired count at its next turn", async () => {
    const { replicas, redis, sent } = protocol();
    await redis.set(keys.desiredReplicas, "2");
    await replicas.issueMissingTickets();
    const second = sent[1] as Ticket;
    await redis.set(keys.desiredReplicas, "1");
    expect(await replicas.beginTurn(second, LEASE_MS)).toBe("retired");
    // Its ticket is gone, and nothing issues it a new one.
    expect(await redis.get(keys.ticket(1))).toBeNull();
    expect((await replicas.issueMissingTickets()).issued).toEqual([]);
  });

  it("re-tickets a replica whose turn died, once its lease has expired", async () => {
    const { replicas, clock, sent } = protocol();
    await replicas.issueMissingTickets();
    await replicas.beginTurn(sent[0] as Ticket, LEASE_MS);
    expect((await replicas.issueMissingTickets()).issued).toEqual([]);
    clock.t += LEASE_MS + 1; // the turn's process died: no renewal, no continuation
    expect((await replicas.issueMissingTickets()).issued).toEqual([0]);
  });

  it("forgets a ticket whose message could not be sent, so the next run issues it again", async () => {
    const { replicas, redis, breakQueue } = protocol();
    breakQueue();
    await expect(replicas.issueMissingTickets()).rejects.toThrow(/SQS down/);
    expect(await redis.get(keys.ticket(0))).toBeNull();
  });

  it("tells a flush whether to go on: lease taken over, halted, or no longer wanted", async () => {
    const { replicas, redis, sent } = protocol();
    await replicas.issueMissingTickets();
    const ticket = sent[0] as Ticket;
    await replicas.beginTurn(ticket, LEASE_MS);
    const flush = async () => {
      const tx = redis.asClient().multi();
      const verdictOf = replicas.renewInFlush(tx, ticket, LEASE_MS);
      return verdictOf(await tx.exec());
    };
    expect(await flush()).toEqual({ lostTo: undefined, halted: false, wanted: true });
    await haltReplicas(redis.asClient(), 10_000);
    expect((await flush()).halted).toBe(true);
    await clearHalt(redis.asClient());
    await redis.set(keys.desiredReplicas, "0");
    expect((await flush()).wanted).toBe(false);
    // Our lease lapsed and another turn took the replica: the flush names the new holder.
    await redis.set(keys.lease(0), "newer-turn", { px: LEASE_MS });
    expect((await flush()).lostTo).toBe("newer-turn");
  });

  it("counts a replica as active from its first turn until its lease time passes", async () => {
    const { replicas, redis, clock, sent } = protocol();
    await replicas.issueMissingTickets();
    const ticket = sent[0] as Ticket;
    await replicas.beginTurn(ticket, LEASE_MS);
    expect(await activeReplicaCount(redis.asClient(), clock.t)).toBe(1);
    expect(await activeReplicaCount(redis.asClient(), clock.t + LEASE_MS + 1)).toBe(0);
    await replicas.endTurn(ticket, "stop");
    expect(await activeReplicaCount(redis.asClient(), clock.t)).toBe(0);
  });
});

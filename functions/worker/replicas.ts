import type { Redis } from "@upstash/redis";
import type { ReplicaConfig, WorkerConfig } from "../shared/config";
import { keys } from "../shared/keys";
import type { TicketQueue } from "./queue";
import { parseDesired, replicasNeedingTickets } from "./supervision";
import type { Tally } from "./tally";
import { totalHashes } from "./tally";
import { newTicket, type Ticket } from "./ticket";

export type TurnStart = "run" | "stale" | "busy" | "retired";

/** Replica bookkeeping in Redis: desired count, tickets, leases. */
export class Replicas {
  constructor(
    private readonly redis: Redis,
    private readonly queue: TicketQueue,
    private readonly config: ReplicaConfig,
  ) {}

  async desired(): Promise<number> {
    const raw = await this.redis.get<string>(keys.desiredReplicas);
    return parseDesired(raw, this.config.defaultReplicas, this.config.maxReplicas);
  }

  /** Issues a ticket to every wanted replica that has neither a lease nor a ticket in flight. */
  async issueMissingTickets(): Promise<{ desired: number; issued: number[] }> {
    const desired = await this.desired();
    if (desired === 0) return { desired, issued: [] };
    const replicas = [...Array(desired).keys()];
    const states = await this.redis.mget<(string | null)[]>(
      ...replicas.map(keys.lease),
      ...replicas.map(keys.ticket),
    );
    const leased = states.slice(0, desired).map((v) => v !== null);
    const ticketed = states.slice(desired).map((v) => v !== null);
    const issued: number[] = [];
    for (const replica of replicasNeedingTickets(desired, leased, ticketed)) {
      const ticket = newTicket(replica);
      // NX: whoever issues first wins; a concurrent supervisor run issues nothing twice.
      const claimed = await this.redis.set(keys.ticket(replica), ticket.id, {
        nx: true,
        px: this.config.ticketGraceMs,
      });
      if (claimed === null) continue;
      await this.send(ticket);
      issued.push(replica);
    }
    return { desired, issued };
  }

  /** Decides whether this ticket may mine now, taking the replica's lease if so. */
  async beginTurn(ticket: Ticket, leaseTtlMs: number): Promise<TurnStart> {
    const [current, desiredRaw] = await this.redis.mget<(string | null)[]>(
      keys.ticket(ticket.replica),
      keys.desiredReplicas,
    );
    if (current !== ticket.id) return "stale";
    const desired = parseDesired(
      desiredRaw ?? null,
      this.config.defaultReplicas,
      this.config.maxReplicas,
    );
    if (ticket.replica >= desired) {
      await this.redis.del(keys.ticket(ticket.replica));
      return "retired";
    }
    const leased = await this.redis.set(keys.lease(ticket.replica), ticket.id, {
      nx: true,
      px: leaseTtlMs,
    });
    return leased === null ? "busy" : "run";
  }

  /** Releases the lease and, unless the replica stops, hands over to a continuation ticket. */
  async endTurn(ticket: Ticket, keepMining: boolean): Promise<Ticket | undefined> {
    const next = keepMining ? newTicket(ticket.replica) : undefined;
    const tx = this.redis.multi();
    tx.del(keys.lease(ticket.replica));
    tx.zrem(keys.active, String(ticket.replica));
    if (next) tx.set(keys.ticket(next.replica), next.id, { px: this.config.ticketGraceMs });
    else tx.del(keys.ticket(ticket.replica));
    await tx.exec();
    if (next) await this.send(next);
    return next;
  }

  private async send(ticket: Ticket): Promise<void> {
    try {
      await this.queue.send(ticket);
    } catch (err) {
      // Without its message the ticket is dead: forget it so the supervisor issues a new one.
      await this.redis.del(keys.ticket(ticket.replica)).catch(() => undefined);
      throw err;
    }
  }
}

/**
 * Saves a tally in one transaction: the total (`hashes`, as in the original), per-second
 * buckets, latency, coins; renews the lease; and reads whether to keep mining.
 */
export async function flushTally(
  redis: Redis,
  config: WorkerConfig,
  ticket: Ticket,
  tally: Tally,
  now: number,
): Promise<{ keepMining: boolean; halted: boolean }> {
  const ttl = config.bucketTtlSeconds;
  const tx = redis.multi();
  tx.get(keys.halt);
  tx.get(keys.desiredReplicas);
  tx.set(keys.lease(ticket.replica), ticket.id, { px: config.leaseTtlMs });
  tx.zadd(keys.active, { score: now + config.leaseTtlMs, member: String(ticket.replica) });
  tx.zremrangebyscore(keys.active, 0, now);
  const total = totalHashes(tally);
  if (total > 0) tx.incrby(keys.hashes, total);
  for (const [second, count] of tally.hashesBySecond) {
    tx.incrby(keys.hashesAt(second), count);
    tx.expire(keys.hashesAt(second), ttl);
  }
  for (const { fn, second, count, sumUs } of tally.latency.values()) {
    tx.hincrby(keys.latencyAt(fn, second), "count", count);
    tx.hincrby(keys.latencyAt(fn, second), "sumUs", sumUs);
    tx.expire(keys.latencyAt(fn, second), ttl);
  }
  if (tally.coins.size > 0) tx.hset(keys.wallet, Object.fromEntries(tally.coins));
  const [halt, desiredRaw] = (await tx.exec()) as [string | null, string | null, ...unknown[]];
  const desired = parseDesired(desiredRaw, config.defaultReplicas, config.maxReplicas);
  const halted = halt !== null;
  return { keepMining: !halted && ticket.replica < desired, halted };
}

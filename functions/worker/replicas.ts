import type { Redis } from "@upstash/redis";
import type { ReplicaConfig } from "../shared/config";
import { keys } from "../shared/keys";
import type { TicketQueue } from "./queue";
import { parseDesired, replicasNeedingTickets } from "./supervision";
import { newTicket, type Ticket } from "./ticket";

export type TurnStart = "run" | "stale" | "busy" | "retired";
/** How a turn ends: hand over, stop (retired or halted), or leave (another holds the lease). */
export type TurnEnd = "continue" | "stop" | "lost";

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

  /** Sets the wanted count and tickets the new replicas at once; extras retire at their next flush. */
  async scale(replicas: number): Promise<{ desired: number; previous: number; issued: number[] }> {
    const previousRaw = await this.redis.set(keys.desiredReplicas, String(replicas), { get: true });
    const previous = parseDesired(
      previousRaw as string | null,
      this.config.defaultReplicas,
      this.config.maxReplicas,
    );
    const { issued } = await this.issueMissingTickets();
    return { desired: replicas, previous, issued };
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
    // Taking the lease consumes the ticket: from now on the lease says the replica is alive, so
    // when this turn dies the replica is re-ticketed as soon as the lease expires, and a
    // duplicate of this ticket arriving later finds no ticket to match (stale).
    const tx = this.redis.multi();
    tx.set(keys.lease(ticket.replica), ticket.id, { nx: true, px: leaseTtlMs });
    tx.del(keys.ticket(ticket.replica));
    tx.zadd(keys.active, { score: Date.now() + leaseTtlMs, member: String(ticket.replica) });
    const [leased] = await tx.exec();
    return leased === null ? "busy" : "run";
  }

  /**
   * Ends a turn: releases the lease and hands over to a continuation ticket, or forgets the
   * replica's ticket when it stops. A turn that lost its lease touches nothing: the lease and
   * the ticket belong to whoever holds it now.
   */
  async endTurn(ticket: Ticket, end: TurnEnd): Promise<Ticket | undefined> {
    if (end === "lost") return undefined;
    const next = end === "continue" ? newTicket(ticket.replica) : undefined;
    const tx = this.redis.multi();
    tx.del(keys.lease(ticket.replica));
    if (next) {
      // Stays in `active` until its lease time passes: the next turn starts within a second.
      tx.set(keys.ticket(next.replica), next.id, { px: this.config.ticketGraceMs });
    } else {
      tx.zrem(keys.active, String(ticket.replica));
      tx.del(keys.ticket(ticket.replica));
    }
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

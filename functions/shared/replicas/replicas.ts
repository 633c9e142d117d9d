/**
 * The replica protocol: how worker replicas, the supervisor, the scale endpoint, the dashboard
 * and the local cloud agree in Redis on the desired count, tickets and leases.
 *
 * - The desired count (`workers:desired`) says how many replicas should mine.
 * - A ticket id per replica (`workers:ticket:<i>`) names the one SQS message that may start
 *   its next turn; any other message for that replica is stale.
 * - A lease per replica (`workers:lease:<i>`, SET NX PX) says a turn is mining now. Taking it
 *   consumes the ticket; every flush renews it; a turn that finds another holder stops.
 * - The halt flag (`workers:halt`) asks every replica to flush, release and stop.
 */
import type { Redis } from "@upstash/redis";
import type { ReplicaConfig } from "../config";
import { keys } from "../keys";
import type { TicketQueue } from "./queue";
import { parseDesired, replicasNeedingTickets } from "./supervision";
import { newTicket, type Ticket } from "./ticket";

export type TurnStart = "run" | "stale" | "busy" | "retired";
/** How a turn ends: hand over, stop (retired or halted), or leave (another holds the lease). */
export type TurnEnd = "continue" | "stop" | "lost";

/** A Redis transaction of @upstash/redis, to which a flush adds its commands. */
export type Transaction = ReturnType<Redis["multi"]>;

/** What a flush learned about its replica: may it go on mining? */
export interface FlushVerdict {
  /** Another turn holds the lease (ours expired): stop, touching nothing of the replica. */
  lostTo: string | undefined;
  halted: boolean;
  /** The replica is still below the desired count. */
  wanted: boolean;
}

/** Replica bookkeeping in Redis: desired count, tickets, leases. */
export class Replicas {
  constructor(
    private readonly redis: Redis,
    private readonly queue: TicketQueue,
    private readonly config: ReplicaConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async desired(): Promise<number> {
    return this.desiredFrom(await this.redis.get<string>(keys.desiredReplicas));
  }

  /** The desired count a raw `workers:desired` value stands for (default when unset). */
  private desiredFrom(raw: string | null | undefined): number {
    return parseDesired(raw ?? null, this.config.defaultReplicas, this.config.maxReplicas);
  }

  /** Sets the wanted count and tickets the new replicas at once; extras retire at their next flush. */
  async scale(replicas: number): Promise<{ desired: number; previous: number; issued: number[] }> {
    const previousRaw = await this.redis.set(keys.desiredReplicas, String(replicas), { get: true });
    const previous = this.desiredFrom(previousRaw as string | null);
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
    if (ticket.replica >= this.desiredFrom(desiredRaw)) {
      await this.redis.del(keys.ticket(ticket.replica));
      return "retired";
    }
    // Taking the lease consumes the ticket: from now on the lease says the replica is alive, so
    // when this turn dies the replica is re-ticketed as soon as the lease expires, and a
    // duplicate of this ticket arriving later finds no ticket to match (stale).
    const tx = this.redis.multi();
    tx.set(keys.lease(ticket.replica), ticket.id, { nx: true, px: leaseTtlMs });
    tx.del(keys.ticket(ticket.replica));
    tx.zadd(keys.active, { score: this.now() + leaseTtlMs, member: String(ticket.replica) });
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

  /**
   * Adds the protocol's part of a flush to the flush's own transaction (so counts and lease
   * renewal commit together): renew the lease, mark the replica active, read the halt flag
   * and the desired count. Call it first; it returns how to read the transaction's replies.
   */
  renewInFlush(
    tx: Transaction,
    ticket: Ticket,
    leaseTtlMs: number,
  ): (replies: unknown[]) => FlushVerdict {
    const at = this.now();
    tx.set(keys.lease(ticket.replica), ticket.id, { px: leaseTtlMs, get: true });
    tx.get(keys.halt);
    tx.get(keys.desiredReplicas);
    tx.zadd(keys.active, { score: at + leaseTtlMs, member: String(ticket.replica) });
    tx.zremrangebyscore(keys.active, 0, at);
    return (replies) => {
      const [holder, halt, desiredRaw] = replies as (string | null | undefined)[];
      return {
        lostTo:
          holder !== null && holder !== undefined && holder !== ticket.id ? holder : undefined,
        halted: halt !== null && halt !== undefined,
        wanted: ticket.replica < this.desiredFrom(desiredRaw),
      };
    };
  }

  /** A turn that found its lease taken gives it back to the holder, whose chain carries on. */
  async handBack(ticket: Ticket, holder: string, leaseTtlMs: number): Promise<void> {
    await this.redis.set(keys.lease(ticket.replica), holder, { px: leaseTtlMs });
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

/** Asks every replica to flush its counts, release its lease and stop (Ctrl-C locally). */
export async function haltReplicas(redis: Redis, ttlMs: number): Promise<void> {
  await redis.set(keys.halt, "1", { px: ttlMs });
}

/** Lets replicas mine again (a new local cloud clears the last one's halt). */
export async function clearHalt(redis: Redis): Promise<void> {
  await redis.del(keys.halt);
}

/** Replicas whose lease has not expired at `now`: mining, or between two turns. */
export async function activeReplicaCount(redis: Redis, now: number): Promise<number> {
  return redis.zcount(keys.active, now, "+inf");
}

import type { Redis } from "@upstash/redis";
import type { WorkerConfig } from "../shared/config";
import type { FailureStreak } from "../shared/failure-streak";
import type { Logger } from "../shared/log";
import type { Replicas, TurnEnd } from "../shared/replicas/replicas";
import type { Ticket } from "../shared/replicas/ticket";
import { redisCountStore } from "./count-store";
import type { Backlog, Clock, MiningPorts } from "./mining";
import { mineSlice } from "./mining";

export interface TurnDeps {
  config: WorkerConfig;
  redis: Redis;
  replicas: Replicas;
  ports: MiningPorts;
  clock: Clock;
  log: Logger;
  /** This instance's failed saves and turns: one line per outage (mining.ts). */
  storeStreak: FailureStreak;
}

/**
 * One replica's turn: take the lease, mine until the slice ends, hand over to the next ticket,
 * and re-ticket any replica that lost its own (peer repair, so a dead replica is back within
 * a slice instead of at the next scheduled supervisor run). `backlog` holds counts this
 * instance could not save yet; the turn retries them and leaves there what it still cannot.
 */
export async function takeTurn(
  deps: TurnDeps,
  ticket: Ticket,
  remainingMs: number,
  backlog: Backlog,
): Promise<Backlog> {
  const { config, log, clock } = deps;
  const start = await deps.replicas.beginTurn(ticket, config.leaseTtlMs);
  if (start !== "run") {
    log.info(`replica ${ticket.replica}: ticket ${start}, nothing to do`, { ticket: ticket.id });
    return backlog;
  }
  const now = clock.now();
  const sliceMs = Math.max(0, Math.min(config.sliceMs, remainingMs - config.sliceMarginMs));
  const store = redisCountStore(deps.redis, deps.replicas, config, ticket, log);
  const result = await mineSlice(
    deps.ports,
    clock,
    {
      delayMs: config.delayMs,
      randomBytes: config.randomBytes,
      flushIntervalMs: config.flushIntervalMs,
      maxBackoffMs: config.maxBackoffMs,
      deadline: now + sliceMs,
      hardDeadline: now + Math.max(sliceMs, remainingMs - 1_000),
    },
    store,
    log,
    backlog,
    deps.storeStreak,
  );
  const end: TurnEnd = store.stopReason.leaseLost
    ? "lost"
    : result.keepMining
      ? "continue"
      : "stop";
  await deps.replicas.endTurn(ticket, end);
  const why = {
    continue: "next turn queued",
    stop: store.stopReason.halted ? "halted" : "retired",
    lost: "lease lost",
  }[end];
  log.info(`replica ${ticket.replica}: turn over, ${result.hashes} hashes; ${why}`);
  if (end === "continue") {
    await deps.replicas.issueMissingTickets().catch((err: unknown) => {
      log.warn("peer repair of missing tickets failed; the supervisor will retry", { err });
    });
  }
  return result.backlog;
}

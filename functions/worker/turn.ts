import type { Redis } from "@upstash/redis";
import type { WorkerConfig } from "../shared/config";
import type { Logger } from "../shared/log";
import type { Clock, MiningPorts } from "./mining";
import { mineSlice } from "./mining";
import { flushTally, type Replicas } from "./replicas";
import { emptyTally, mergeInto, type Tally, totalHashes } from "./tally";
import type { Ticket } from "./ticket";

export interface TurnDeps {
  config: WorkerConfig;
  redis: Redis;
  replicas: Replicas;
  ports: MiningPorts;
  clock: Clock;
  log: Logger;
}

/**
 * One replica's turn: take the lease, mine until the slice ends, flush, hand over to the next
 * ticket. `carried` holds counts a previous turn in this instance could not save; whatever
 * this turn cannot save is added to it, so a warm instance retries them later.
 */
export async function takeTurn(
  deps: TurnDeps,
  ticket: Ticket,
  remainingMs: number,
  carried: Tally,
): Promise<void> {
  const { config, log, clock } = deps;
  const start = await deps.replicas.beginTurn(ticket, config.leaseTtlMs);
  if (start !== "run") {
    log.info(`replica ${ticket.replica}: ticket ${start}, nothing to do`, { ticket: ticket.id });
    return;
  }
  const now = clock.now();
  const sliceMs = Math.max(0, Math.min(config.sliceMs, remainingMs - config.sliceMarginMs));
  const backlog = emptyTally();
  mergeInto(backlog, carried);
  carried.hashesBySecond.clear();
  carried.coins.clear();
  carried.latency.clear();

  let halted = false;
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
    async (tally) => {
      const outcome = await flushTally(deps.redis, config, ticket, tally, clock.now());
      halted = outcome.halted;
      log.info(
        `replica ${ticket.replica}: ${totalHashes(tally)} units of work done, updating hash counter`,
        {
          coins: [...tally.coins.keys()],
        },
      );
      return outcome;
    },
    log,
    backlog,
  );
  mergeInto(carried, result.unflushed);
  const next = await deps.replicas.endTurn(ticket, result.keepMining);
  const why = next ? "next turn queued" : halted ? "halted" : "retired";
  log.info(`replica ${ticket.replica}: turn over, ${result.hashes} hashes; ${why}`);
}

import { randomUUID } from "node:crypto";

/**
 * A ticket is one SQS message meaning "worker replica `replica`, take your turn". Its `id`
 * must match the replica's current ticket in Redis: a duplicate or superseded message is
 * recognised as stale and dropped, so a replica's chain of tickets never forks.
 */
export interface Ticket {
  replica: number;
  id: string;
}

export class MalformedTicketError extends Error {
  override name = "MalformedTicketError";
}

export function newTicket(replica: number): Ticket {
  return { replica, id: randomUUID() };
}

export function parseTicket(body: string, maxReplicas: number): Ticket {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new MalformedTicketError(`ticket is not JSON: ${body.slice(0, 80)}`);
  }
  if (typeof value !== "object" || value === null) {
    throw new MalformedTicketError("ticket must be an object {replica, id}");
  }
  const { replica, id } = value as Record<string, unknown>;
  if (
    typeof replica !== "number" ||
    !Number.isInteger(replica) ||
    replica < 0 ||
    replica >= maxReplicas
  ) {
    throw new MalformedTicketError(
      `ticket replica must be an integer from 0 to ${maxReplicas - 1}, got ${JSON.stringify(replica)}`,
    );
  }
  if (typeof id !== "string" || id.length === 0 || id.length > 100) {
    throw new MalformedTicketError(
      "ticket id must be a non-empty string of at most 100 characters",
    );
  }
  return { replica, id };
}

/**
 * Which replicas need a ticket: those below the desired count with neither a live lease
 * (mining now) nor a ticket in flight. Replicas at or above the count are left to retire at
 * their next turn.
 */
export function replicasNeedingTickets(
  desired: number,
  leased: boolean[],
  ticketed: boolean[],
): number[] {
  const missing: number[] = [];
  for (let replica = 0; replica < desired; replica += 1) {
    if (!leased[replica] && !ticketed[replica]) missing.push(replica);
  }
  return missing;
}

/** The desired count stored in Redis, or the default when unset or unreadable. */
export function parseDesired(raw: string | null, fallback: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(Number(raw), max);
}

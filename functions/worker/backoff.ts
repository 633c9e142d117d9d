/**
 * Capped exponential backoff with "equal jitter": after the n-th consecutive failure, wait
 * between half and all of min(cap, base·2^(n-1)). The fixed half guarantees a real pause; the
 * random half keeps many replicas from retrying in step.
 */
export const BACKOFF_BASE_MS = 100;

export function backoffDelay(
  failures: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

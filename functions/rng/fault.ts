import { HttpError } from "../shared/errors";

/** What an injected rng failure answers: a 500, as a crashed rng behind API Gateway would. */
export class InjectedFaultError extends HttpError {
  constructor(remainingMs: number) {
    super(500, `rng fault injected (RNG_FAULT_MS): failing for ${remainingMs} ms more`);
  }
}

/**
 * The fault switch: for `faultMs` after the instance started, every request fails. Measured
 * from the instance's start rather than a wall-clock date, so a test or a workshop run needs no
 * clock arithmetic: set it, start the cloud, and rng heals by itself. 0 (the default) is off.
 */
export function checkFault(startedAtMs: number, nowMs: number, faultMs: number): void {
  const remainingMs = startedAtMs + faultMs - nowMs;
  if (faultMs > 0 && remainingMs > 0) throw new InjectedFaultError(remainingMs);
}

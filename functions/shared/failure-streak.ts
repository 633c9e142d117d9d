/**
 * A streak of failures of one kind, logged once: the first failure and the recovery, not
 * every failed attempt in between (a Redis outage would otherwise print a line per request
 * or per retry). One per function instance: instances share nothing, as on Lambda. Pure.
 */
export interface StreakLog {
  /** The first failure of a streak. */
  first(err: unknown): void;
  /** The first success after `failures` failures. */
  recovered(failures: number): void;
}

export class FailureStreak {
  private failures = 0;

  constructor(private readonly log: StreakLog) {}

  /**
   * Records a failure; returns how many in a row so far. `sayFirst` words the first line when
   * the streak can start at several places (the worker: a save, or a whole turn).
   */
  failed(err: unknown, sayFirst: (err: unknown) => void = this.log.first): number {
    this.failures += 1;
    if (this.failures === 1) sayFirst(err);
    return this.failures;
  }

  succeeded(): void {
    if (this.failures === 0) return;
    const failures = this.failures;
    this.failures = 0;
    this.log.recovered(failures);
  }

  get inStreak(): boolean {
    return this.failures > 0;
  }
}

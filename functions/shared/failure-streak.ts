/**
 * A streak of failures of one kind, logged once: the first failure and the recovery, not
 * every failed attempt in between (a Redis outage would otherwise print a line per request
 * or per retry). One per function instance: instances share nothing, as on Lambda. Pure.
 *
 * Both lines carry `streakFields`: the streak's name, its phase and the instance. On AWS each
 * instance logs to a stream of its own; the local cloud's log strip merges a function's
 * instances into one prefix and uses these fields to print one start and one end line per
 * function and outage (offline/terminal/streaks.ts).
 */
// A type, not an interface: it spreads into a logger's open-ended fields.
export type StreakFields = {
  streak: { name: string; phase: "start" | "end" };
  instance: string | undefined;
};

export interface StreakLog {
  /** The first failure of a streak. */
  first(err: unknown, fields: StreakFields): void;
  /** The first success after `failures` failures. */
  recovered(failures: number, fields: StreakFields): void;
}

export class FailureStreak {
  private failures = 0;

  constructor(
    private readonly log: StreakLog,
    /** What fails ("redis"), the same for every instance of a function. */
    private readonly name: string,
    private readonly instance: string | undefined,
  ) {}

  private fields(phase: "start" | "end"): StreakFields {
    return { streak: { name: this.name, phase }, instance: this.instance };
  }

  /**
   * Records a failure; returns how many in a row so far. `sayFirst` words the first line when
   * the streak can start at several places (the worker: a save, or a whole turn).
   */
  failed(
    err: unknown,
    sayFirst: (err: unknown, fields: StreakFields) => void = this.log.first,
  ): number {
    this.failures += 1;
    if (this.failures === 1) sayFirst(err, this.fields("start"));
    return this.failures;
  }

  succeeded(): void {
    if (this.failures === 0) return;
    const failures = this.failures;
    this.failures = 0;
    this.log.recovered(failures, this.fields("end"));
  }

  get inStreak(): boolean {
    return this.failures > 0;
  }
}

/**
 * Logging for a poller that retries: the first error of a streak and the recovery, not every
 * failed attempt in between (an SQS outage would otherwise print a line per backoff step).
 */
import { describeError } from "./event";

export class ErrorStreak {
  private failures = 0;

  constructor(private readonly log: (line: string) => void) {}

  /** Returns the number of consecutive failures so far. */
  failed(action: string, err: unknown): number {
    this.failures += 1;
    if (this.failures === 1) {
      this.log(
        `${action} failed: ${describeError(err)}; retrying with backoff (quiet until it recovers)`,
      );
    }
    return this.failures;
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log(`SQS reachable again after ${this.failures} failed attempt(s); polling resumed`);
    this.failures = 0;
  }
}

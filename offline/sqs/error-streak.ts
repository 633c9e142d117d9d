/**
 * Logging for a poller that retries: the first error of a streak and the recovery, not every
 * failed attempt in between (an SQS outage would otherwise print a line per backoff step).
 * The streak itself is the functions' own (functions/shared/failure-streak.ts).
 */
import { FailureStreak } from "../../functions/shared/failure-streak";
import { describeError } from "./event";

export class ErrorStreak {
  private action = "";
  private readonly streak: FailureStreak;

  constructor(log: (line: string) => void) {
    this.streak = new FailureStreak(
      {
        first: (err) =>
          log(
            `${this.action} failed: ${describeError(err)}; retrying with backoff (quiet until it recovers)`,
          ),
        recovered: (failures) =>
          log(`SQS reachable again after ${failures} failed attempt(s); polling resumed`),
      },
      "sqs",
      undefined, // one poller per queue in the local cloud's own process
    );
  }

  /** Returns the number of consecutive failures so far. */
  failed(action: string, err: unknown): number {
    this.action = action;
    return this.streak.failed(err);
  }

  succeeded(): void {
    this.streak.succeeded();
  }
}

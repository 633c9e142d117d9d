/**
 * Reserved concurrency for the local cloud. serverless-offline runs as many instances of a
 * function as there are concurrent calls; Lambda runs at most `reservedConcurrency`. The
 * workshop's bottleneck lesson (rng serving one request at a time) needs the limit, so the
 * local cloud's function runner (function-runner.ts) enforces it for every invocation path
 * (HTTP, invoke API, SQS poller, schedule).
 *
 * Over the limit, calls WAIT for a free instance (first come, first served) instead of being
 * rejected. Lambda itself rejects (429 TooManyRequestsException; API Gateway answers 5xx),
 * and the worker would back off and retry; queueing keeps the lesson readable: rng's latency
 * grows with the number of workers, exactly as the original's single-threaded Flask did, and
 * throughput plateaus at the same 1/delay calls per second either way.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Resolves with a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Hand the slot straight to the next caller, so a newcomer cannot jump the queue.
      if (next) next();
      else this.active -= 1;
    };
  }

  /** Every slot is taken: a caller now would wait. */
  get full(): boolean {
    return this.active >= this.limit;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

export class ThrottledError extends Error {
  override name = "ThrottledError";
}

/**
 * Reserved concurrency for the local cloud. serverless-offline runs as many instances of a
 * function as there are concurrent calls; Lambda runs at most `reservedConcurrency`. The
 * workshop's bottleneck lesson (rng serving one request at a time) needs the limit, so the
 * local cloud enforces it for every invocation path (HTTP, invoke API, SQS poller, schedule).
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

  get queued(): number {
    return this.waiting.length;
  }
}

export class ThrottledError extends Error {
  override name = "ThrottledError";
}

// The parts of serverless-offline's LambdaFunction (13.x) the gate wraps.
interface LambdaFunctionPrototype {
  functionName: string;
  status: string;
  setEvent(event: unknown): void;
  runHandler(): Promise<unknown>;
}

const CLAIMED = Symbol("dockercoins.claimed");
type Instance = LambdaFunctionPrototype & { [CLAIMED]?: boolean };

/**
 * Wraps LambdaFunction so that `runHandler` waits for a slot of its function's semaphore.
 * An instance counts as busy from `setEvent` on (serverless-offline marks it busy only once
 * it runs), so that a waiting instance is never handed a second event.
 */
export function gateInstances(
  proto: LambdaFunctionPrototype,
  limits: Map<string, number>,
): Map<string, Semaphore> {
  const semaphores = new Map([...limits].map(([name, limit]) => [name, new Semaphore(limit)]));
  const status = Object.getOwnPropertyDescriptor(proto, "status");
  const setEvent = proto.setEvent;
  const runHandler = proto.runHandler;
  if (!status?.get)
    throw new Error("serverless-offline changed: LambdaFunction has no status getter");

  Object.defineProperty(proto, "status", {
    configurable: true,
    get(this: Instance) {
      return this[CLAIMED] ? "BUSY" : status.get?.call(this);
    },
  });
  proto.setEvent = function (this: Instance, event: unknown) {
    this[CLAIMED] = true;
    setEvent.call(this, event);
  };
  proto.runHandler = async function (this: Instance) {
    const semaphore = semaphores.get(this.functionName);
    try {
      if (!semaphore) return await runHandler.call(this);
      if (semaphore.limit === 0) {
        throw new ThrottledError(`${this.functionName} is throttled: its reservedConcurrency is 0`);
      }
      const release = await semaphore.acquire();
      try {
        return await runHandler.call(this);
      } finally {
        release();
      }
    } finally {
      this[CLAIMED] = false;
    }
  };
  return semaphores;
}

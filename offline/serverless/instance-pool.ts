/**
 * The instances of every function, as Lambda keeps execution environments: a call that got its
 * concurrency slot takes an idle instance of its function (warm) or starts a new one (a cold
 * start); when it ends, the instance waits for the next call; an instance idle longer than the
 * idle time is dropped (scale to zero), so the next call is cold again. An instance is a key:
 * its function's sandbox (sandbox-thread.ts) keeps one module scope per key.
 *
 * Instances belong to calls that hold a slot, not to the callers that wait for one, so a
 * function limited to one concurrent execution never has more than one instance.
 */
export interface Taken {
  key: string;
  /** A new instance: its module is loaded by this call (a cold start). */
  cold: boolean;
}

interface Idle {
  key: string;
  generation: number;
  since: number;
}

export class InstancePool {
  private created = 0;
  /** Bumped when every instance is to go at once (new code). */
  private generation = 0;
  private readonly idle = new Map<string, Idle[]>();
  private readonly busy = new Map<string, Map<string, number>>();

  constructor(
    /** How long an instance may stay idle before it is dropped. */
    private readonly idleMs: number,
    /** Tells the function's sandbox to free an instance's module scope. */
    private readonly discard: (fn: string, key: string) => void,
  ) {}

  take(fn: string): Taken {
    // Newest first, as Lambda reuses warm environments: the others stay idle and expire.
    const reused = this.idleOf(fn).pop();
    const taken = reused ?? { key: `i${++this.created}`, generation: this.generation };
    this.busyOf(fn).set(taken.key, taken.generation);
    return { key: taken.key, cold: reused === undefined };
  }

  /** The call ended well (or with the handler's own error): the instance stays warm. */
  giveBack(fn: string, key: string, now: number): void {
    const generation = this.busyOf(fn).get(key);
    this.busyOf(fn).delete(key);
    // From before a reload: it runs old code, so it goes.
    if (generation === this.generation) this.idleOf(fn).push({ key, generation, since: now });
    else this.discard(fn, key);
  }

  /** Every instance of `fn` is gone at once (its sandbox stopped): calls start cold again. */
  dropAll(fn: string): void {
    this.idle.delete(fn);
    this.busy.delete(fn);
  }

  /** The instance is gone (timed out, crashed, failed its init), busy or idle. */
  drop(fn: string, key: string): void {
    this.busyOf(fn).delete(key);
    const list = this.idleOf(fn);
    const at = list.findIndex((instance) => instance.key === key);
    if (at >= 0) list.splice(at, 1);
  }

  /** Drops the instances idle for longer than the idle time; returns how many. */
  reap(now: number): number {
    let reaped = 0;
    for (const [fn, list] of this.idle) {
      const keep = list.filter((instance) => now - instance.since < this.idleMs);
      for (const instance of list) {
        if (!keep.includes(instance)) this.discard(fn, instance.key);
      }
      reaped += list.length - keep.length;
      list.splice(0, list.length, ...keep);
    }
    return reaped;
  }

  /**
   * New code: idle instances go now, busy ones when their call ends (giveBack), each discarded
   * in its sandbox too (which frees the old module scopes); calls start cold again.
   */
  clear(): void {
    this.generation += 1;
    for (const [fn, list] of this.idle) {
      for (const instance of list) this.discard(fn, instance.key);
    }
    this.idle.clear();
  }

  /** Instances of `fn` that exist now, idle or busy (one from before a reload ends its call). */
  count(fn: string): number {
    return this.idleOf(fn).length + this.busyOf(fn).size;
  }

  private idleOf(fn: string): Idle[] {
    let list = this.idle.get(fn);
    if (!list) {
      list = [];
      this.idle.set(fn, list);
    }
    return list;
  }

  private busyOf(fn: string): Map<string, number> {
    let map = this.busy.get(fn);
    if (!map) {
      map = new Map();
      this.busy.set(fn, map);
    }
    return map;
  }
}

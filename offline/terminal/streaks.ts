/**
 * One start and one end line per function and outage in the log strip. Each Lambda instance
 * logs its own failure streak (functions/shared/failure-streak.ts), as it would to a log
 * stream of its own on AWS; the strip merges a function's instances under one prefix, so with
 * four worker instances a Redis outage would read as four "failed" and four "recovered"
 * lines. While a function's streak is open, the other instances' start lines are folded into
 * it; the first recovery closes it, and the recoveries of the instances that were in it are
 * folded too. Pure.
 */

export interface StreakMark {
  name: string;
  phase: "start" | "end";
  instance: string | undefined;
}

interface OpenStreak {
  /** Instances whose start was folded into the printed line, still to recover. */
  instances: Set<string>;
}

export class StreakFolding {
  /** `source/name` → the streak being shown, while open. */
  private readonly open = new Map<string, OpenStreak>();
  /** `source/name` → instances of a closed streak whose own recovery is still to come. */
  private readonly pendingRecoveries = new Map<string, Set<string>>();

  /** True when the line is to be printed, false when it is folded into one already shown. */
  admit(source: string, mark: StreakMark): boolean {
    const key = `${source}/${mark.name}`;
    const instance = mark.instance ?? "";
    const streak = this.open.get(key);
    if (mark.phase === "start") {
      this.pendingRecoveries.get(key)?.delete(instance);
      if (streak) {
        streak.instances.add(instance);
        return false;
      }
      this.open.set(key, { instances: new Set([instance]) });
      return true;
    }
    if (streak) {
      streak.instances.delete(instance);
      this.open.delete(key);
      this.pendingRecoveries.set(key, streak.instances);
      return true;
    }
    const pending = this.pendingRecoveries.get(key);
    if (pending?.delete(instance)) return false;
    return true; // a recovery of a streak the strip never saw start (it began before the start)
  }
}

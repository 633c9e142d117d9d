/**
 * A full garbage collection of the calling isolate (the main thread, or a sandbox's worker
 * thread), on request: memory measured right after it is what the process keeps, not garbage
 * that V8 has not collected yet (an idle process may hold tens of MB of it for minutes, as no
 * allocation triggers its next major GC). Asked through `GET /local-cloud/stats?gc=1`.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    // Node's documented way to reach V8's gc() without starting with --expose-gc: the flag
    // exposes it to contexts made from then on, such as this one-off context.
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

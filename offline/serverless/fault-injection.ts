/**
 * Bugs the local cloud can put into a function's instances on purpose, for the tests of
 * isolation and the "break a function" exercise without editing the shipped functions:
 * `LOCAL_CLOUD_INJECT_FAULT=rng:exit:0.1,hasher:leak` (function key, fault, and the share of
 * invocations it hits, 1 when left out). The sandbox (sandbox-thread.ts) runs the fault before
 * the handler; the start-up line names every fault injected, so none goes unnoticed.
 */

import { LocalCloudError } from "../../common/errors";

export const INJECT_FAULT_VARIABLE = "LOCAL_CLOUD_INJECT_FAULT";

/**
 * Each fault is one of the bugs a learner writes (README, exercise 6): `code` is how the
 * start-up line shows it, `run` does it, as the first line of the handler would.
 */
export const FAULTS = {
  /** The runtime exits (Runtime.ExitError). */
  exit: { code: "process.exit(1)", run: () => process.exit(1) },
  /** A throw in a timer: an uncaught exception (the error's own type). */
  "async-throw": {
    code: 'setTimeout(() => { throw new Error("async bug"); }, 1)',
    run: () => {
      setTimeout(() => {
        throw new Error("async bug");
      }, 1);
    },
  },
  /** A promise nobody catches (Runtime.UnhandledPromiseRejection). */
  rejection: {
    code: 'Promise.reject(new Error("async bug"))',
    run: () => void Promise.reject(new Error("async bug")),
  },
  /** 8 MB of Buffers kept per call: memory outside the heap (Runtime.OutOfMemory). */
  leak: {
    code: "globalThis.__leak.push(Buffer.alloc(8e6))",
    run: () => {
      const holder = globalThis as { __leak?: Buffer[] };
      holder.__leak ??= [];
      holder.__leak.push(Buffer.alloc(8e6));
    },
  },
  /** A loop that never yields (the function's timeout). */
  spin: {
    code: "for (;;) {}",
    run: () => {
      for (;;) {
        // never yields: only the function's timeout ends it
      }
    },
  },
} as const satisfies Record<string, { code: string; run: () => void }>;
export type FaultName = keyof typeof FAULTS;

export interface InjectedFault {
  /** The function's key in serverless.yml (rng). */
  key: string;
  fault: FaultName;
  /** The share of invocations it hits, 0 < p ≤ 1. */
  probability: number;
}

/** A bad LOCAL_CLOUD_INJECT_FAULT: the start stops with the message (the user's to fix). */
export class FaultSettingError extends LocalCloudError {
  override name = "FaultSettingError";
}

/** Parses the setting; `knownKeys` are the service's function keys. */
export function parseInjectedFaults(
  value: string | undefined,
  knownKeys: string[],
): InjectedFault[] {
  if (value === undefined || value.trim() === "") return [];
  return value.split(",").map((item) => {
    const [key = "", fault = "", share = "1", ...rest] = item.trim().split(":");
    const fail = (why: string) =>
      new FaultSettingError(
        `${INJECT_FAULT_VARIABLE}: "${item.trim()}" ${why} (expected <function>:<${Object.keys(FAULTS).join("|")}>[:<share 0..1>])`,
      );
    if (rest.length > 0) throw fail("has too many parts");
    if (!knownKeys.includes(key))
      throw fail(`names no function of the service (${knownKeys.join(", ")})`);
    if (!(fault in FAULTS)) throw fail("names no known fault");
    const probability = Number(share);
    if (!(probability > 0 && probability <= 1)) throw fail("has a share outside (0, 1]");
    return { key, fault: fault as FaultName, probability };
  });
}

/** Runs the fault, as the first line of the handler would (`random` decides whether it hits). */
export function runFault(fault: InjectedFault, random: () => number = Math.random): void {
  if (random() < fault.probability) FAULTS[fault.fault].run();
}

/** For the start-up line: "rng exit on 10 % of calls". */
export function describeFaults(faults: InjectedFault[]): string {
  return faults
    .map(
      (f) =>
        `${f.key} ${f.fault} (${FAULTS[f.fault].code}) on ${Math.round(f.probability * 100)} % of calls`,
    )
    .join(", ");
}

import { setTimeout as delay } from "node:timers/promises";

/** Resolves after `ms`; resolves at once for 0, so zero-delay benchmarks pay no timer tick. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? delay(ms) : Promise.resolve();
}

export const epochSecond = (ms: number): number => Math.floor(ms / 1000);

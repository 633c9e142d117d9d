import { describe, expect, it } from "vitest";
import {
  describeFaults,
  FaultSettingError,
  parseInjectedFaults,
  runFault,
} from "./fault-injection";

const KEYS = ["rng", "hasher", "worker"];

describe("LOCAL_CLOUD_INJECT_FAULT", () => {
  it("is empty by default", () => {
    expect(parseInjectedFaults(undefined, KEYS)).toEqual([]);
    expect(parseInjectedFaults(" ", KEYS)).toEqual([]);
  });

  it("names a function, a fault and the share of calls it hits (all by default)", () => {
    expect(parseInjectedFaults("rng:exit:0.1, hasher:leak", KEYS)).toEqual([
      { key: "rng", fault: "exit", probability: 0.1 },
      { key: "hasher", fault: "leak", probability: 1 },
    ]);
  });

  it.each([
    ["rng", /names no known fault/],
    ["webui:exit", /names no function of the service \(rng, hasher, worker\)/],
    ["rng:explode", /names no known fault/],
    ["rng:exit:0", /share outside/],
    ["rng:exit:1.5", /share outside/],
    ["rng:exit:often", /share outside/],
    ["rng:exit:0.5:x", /too many parts/],
  ])("refuses %s, naming the variable", (value, why) => {
    expect(() => parseInjectedFaults(value, KEYS)).toThrow(FaultSettingError);
    expect(() => parseInjectedFaults(value, KEYS)).toThrow(why);
    expect(() => parseInjectedFaults(value, KEYS)).toThrow(/^LOCAL_CLOUD_INJECT_FAULT: /);
  });

  it("says what it injects, as the start-up line prints it", () => {
    expect(describeFaults(parseInjectedFaults("rng:exit:0.1", KEYS))).toBe(
      "rng exit (process.exit(1)) on 10 % of calls",
    );
  });

  it("hits the share of calls it names: a draw at or above it does nothing", () => {
    const holder = globalThis as { __leak?: Buffer[] };
    const fault = { key: "rng", fault: "leak", probability: 0.25 } as const;
    runFault(fault, () => 0.25);
    expect(holder.__leak).toBeUndefined();
    runFault(fault, () => 0.24);
    expect(holder.__leak?.[0]?.length).toBe(8e6);
    delete holder.__leak;
  });
});

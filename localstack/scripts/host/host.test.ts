import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonCandidates } from "../../../common/python";
import { expectRate } from "../smoke-mining";
import { HostModeError, listenPort } from "./lifecycle";
import { processesRunning, startTicksOf, stillRunning } from "./processes";

const home = mkdtempSync(join(tmpdir(), "dockercoins-python-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("pythonCandidates", () => {
  it("tries pyenv's newest 3.13 first, then the PATH's, newest first", () => {
    for (const version of ["3.13.0", "3.13.5", "3.12.1", "3.11.7"]) {
      mkdirSync(join(home, ".pyenv", "versions", version, "bin"), { recursive: true });
    }
    expect(pythonCandidates(undefined, home)).toEqual([
      join(home, ".pyenv", "versions", "3.13.5", "bin", "python"),
      join(home, ".pyenv", "versions", "3.13.0", "bin", "python"),
      "python3.13",
      "python3",
      "python3.12",
      "python3.11",
    ]);
  });

  it("tries only LOCALSTACK_PYTHON when it is set", () => {
    expect(pythonCandidates("/opt/python/bin/python3", home)).toEqual(["/opt/python/bin/python3"]);
  });
});

describe("listenPort", () => {
  it("takes host mode's port from a loopback endpoint", () => {
    expect(listenPort("http://127.0.0.1:4566")).toBe(4566);
    expect(listenPort("http://localhost:4570")).toBe(4570);
  });

  it("refuses an endpoint host mode cannot listen on", () => {
    for (const endpoint of ["http://10.0.0.7:4566", "https://127.0.0.1:4566"]) {
      expect(() => listenPort(endpoint)).toThrow(HostModeError);
    }
  });
});

describe("processes", () => {
  it("knows a process by its pid and start time, never a pid reused since", () => {
    const startTicks = startTicksOf(process.pid);
    expect(startTicks).toMatch(/^\d+$/);
    expect(stillRunning({ pid: process.pid, startTicks: startTicks ?? "" })).toBe(true);
    expect(stillRunning({ pid: process.pid, startTicks: "1" })).toBe(false);
    expect(processesRunning(`no-process-runs-this-${Date.now()}`)).toEqual([]);
  });
});

describe("expectRate", () => {
  const rate = (hashesPerSecond: number) => ({ replicas: 1, hashesPerSecond, seconds: [3, 2, 3] });

  it("accepts a rate within the tolerance and names the seconds of one outside it", () => {
    expect(() => expectRate("one replica", rate(2.8), 10 / 3, 0.2)).not.toThrow();
    expect(() => expectRate("one replica", rate(2.6), 10 / 3, 0.2)).toThrow(
      "one replica: 2.60 hashes/s, expected 3.33 ± 20 % (per second: 3 2 3)",
    );
  });
});

/**
 * The small service of the timeout and isolation tests (tests/fixtures/timeout-service: two
 * functions whose handler can be told to hang, spin or crash), started on free ports for the
 * test file that calls `useFixtureService()` and stopped after it.
 */
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { projectRoot } from "../../common/project";
import { type LocalCloud, startLocalCloud } from "./launcher";

export const FIXTURE_SERVICE_DIR = join(projectRoot, "tests", "fixtures", "timeout-service");

export interface FixtureAnswer {
  status: number;
  ms: number;
  /** What the handler answered: its instance, the calls it served, its own memory reading. */
  body: { instance?: string; calls?: number; memoryUsed?: number };
}

export function useFixtureService() {
  let cloud: LocalCloud | undefined;
  beforeAll(async () => {
    cloud = await startLocalCloud({}, { serviceDir: FIXTURE_SERVICE_DIR });
  });
  afterAll(async () => {
    await cloud?.stop();
  });
  const running = (): LocalCloud => {
    if (!cloud) throw new Error("the fixture service has not started");
    return cloud;
  };
  /** GET `<api>/<path>`; a failed call's body (a timeout's, API Gateway's 502) is not parsed. */
  const call = async (path: string): Promise<FixtureAnswer> => {
    const started = Date.now();
    const res = await fetch(`${running().apiUrl}/${path}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    const body = res.ok ? (JSON.parse(text) as FixtureAnswer["body"]) : {};
    return { status: res.status, ms: Date.now() - started, body };
  };
  return { cloud: running, call };
}

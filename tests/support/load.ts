import { rssBytes } from "../../common/process-stats";

/** What a load run saw: every request's outcome and the memory of the processes watched. */
export interface LoadReport {
  requests: number;
  errors: number;
  /** The first few failures, to explain a non-zero error count. */
  failures: string[];
  perSecond: number;
  latencyMs: { p50: number; p95: number; max: number };
  /**
   * RSS of each watched process over the run, in MiB: start is the mean of the first 5
   * samples; end the lowest sample of the settle period (idle) when there is one, else the
   * mean of the last 5; `settledFromMiB` is where the settle period began (the mean of the last
   * 5 samples under load).
   */
  memory: Record<
    string,
    {
      startMiB: number;
      endMiB: number;
      settledFromMiB: number;
      peakMiB: number;
      growth: number;
      samplesMiB: number[];
    }
  >;
}

export interface LoadOptions {
  url: string;
  concurrency: number;
  durationMs: number;
  /** Returns why a response is wrong, or undefined when it is right. */
  check: (res: Response, body: ArrayBuffer) => string | undefined;
  /** Processes whose resident memory is sampled once a second, by name. */
  watch: Record<string, number>;
  /**
   * After the load, sampling goes on this long with no request sent, and growth is judged on
   * its lowest sample: RSS under load depends on when the garbage collector last ran (one
   * major GC every 20–40 s here), so garbage is given the chance to go; a leak stays.
   */
  settleMs?: number;
  /**
   * Called at the end of the settle period, before its last sample: a full garbage collection
   * in the processes watched (the local cloud's `/local-cloud/stats?gc=1`), so that the last
   * sample is what they keep. An idle process may go minutes without a major GC (no allocation
   * asks for one): two CI runs held +24 % and +28 % of garbage through 20 idle seconds.
   */
  collectGarbage?: () => Promise<void>;
  requestTimeoutMs?: number;
}

const MiB = 1024 * 1024;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * `concurrency` clients, each sending its next request as soon as the last one answered, for
 * `durationMs`. Memory is sampled from /proc once a second. A garbage-collected process's RSS
 * is a sawtooth, so growth compares the mean of the last 5 samples with the mean of the first 5
 * rather than two single samples, which would measure where each sample fell in a GC cycle.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let errors = 0;
  const samples = new Map<string, number[]>();
  const gone: string[] = [];
  const sample = async () => {
    for (const [name, pid] of Object.entries(opts.watch)) {
      const list = samples.get(name) ?? [];
      // A watched process that has exited is a failure of the run, reported, not thrown here.
      const rss = rssBytes(pid);
      if (rss === 0) {
        if (!gone.includes(name)) gone.push(name);
      } else {
        list.push(rss);
      }
      samples.set(name, list);
    }
  };
  await sample();
  const sampler = setInterval(() => void sample(), 1_000);
  const started = Date.now();
  const deadline = started + opts.durationMs;
  const client = async () => {
    while (Date.now() < deadline) {
      const t0 = Date.now();
      let problem: string | undefined;
      try {
        const res = await fetch(opts.url, {
          signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 30_000),
        });
        problem = opts.check(res, await res.arrayBuffer());
      } catch (err) {
        problem = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      latencies.push(Date.now() - t0);
      if (problem !== undefined) {
        errors += 1;
        if (failures.length < 5) failures.push(problem);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  const elapsedS = (Date.now() - started) / 1000;
  await sample();
  const underLoad = new Map([...samples].map(([name, list]) => [name, list.length]));
  await new Promise((resolve) => setTimeout(resolve, opts.settleMs ?? 0));
  clearInterval(sampler);
  await opts.collectGarbage?.();
  await sample();
  const sorted = [...latencies].sort((a, b) => a - b);
  const memory: LoadReport["memory"] = {};
  for (const [name, list] of samples) {
    const start = mean(list.slice(0, 5));
    const loadEnd = underLoad.get(name) ?? list.length;
    // With an idle period, the lowest RSS in it (its last sample follows collectGarbage when
    // given): where the sawtooth lands after a major GC, what the process keeps. A leak raises
    // that floor; garbage not yet collected does not.
    const idle = list.slice(loadEnd);
    const end = opts.settleMs && idle.length > 0 ? Math.min(...idle) : mean(list.slice(-5));
    memory[name] = {
      startMiB: Math.round(start / MiB),
      endMiB: Math.round(end / MiB),
      settledFromMiB: Math.round(mean(list.slice(Math.max(0, loadEnd - 5), loadEnd)) / MiB),
      peakMiB: Math.round(Math.max(...list) / MiB),
      growth: start > 0 ? (end - start) / start : 0,
      samplesMiB: list.map((bytes) => Math.round(bytes / MiB)),
    };
  }
  for (const name of gone) failures.push(`process ${name} exited during the run`);
  return {
    requests: latencies.length,
    errors,
    failures,
    perSecond: Math.round(latencies.length / elapsedS),
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted.at(-1) ?? 0,
    },
    memory,
  };
}

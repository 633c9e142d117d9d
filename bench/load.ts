import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  body?: Buffer;
  contentType?: string;
  concurrency: number;
  durationMs: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN);

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Closed-loop load: `concurrency` clients on keep-alive connections, each sending its next
 * request when the last one answered, for `durationMs`. node:http rather than fetch: it costs
 * the measuring process less CPU, which matters on a 2-core machine shared with the server.
 */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      // An explicit length sends headers and body in one write; without it Node 20 splits
      // them, and the server waits a round trip for the body (7 ms instead of 2 at c=1).
      const headers = spec.body
        ? {
            "content-type": spec.contentType ?? "application/octet-stream",
            "content-length": spec.body.length,
          }
        : {};
      const req = request(spec.url, { method: spec.method ?? "GET", agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 400) errors += 1;
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on("error", () => {
        errors += 1;
        resolve();
      });
      req.end(spec.body);
    });
  const client = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: spec.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    rps: round(latencies.length / seconds, 1),
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
  };
}

/** The run whose req/s is the median of `runs` (after one warm-up run that is thrown away). */
export async function medianOf(
  runs: number,
  warmUpMs: number,
  spec: LoadSpec,
): Promise<LoadResult> {
  await load({ ...spec, durationMs: warmUpMs });
  const results: LoadResult[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await load(spec));
  results.sort((a, b) => a.rps - b.rps);
  return results[Math.floor(results.length / 2)] as LoadResult;
}

import { eventually, type LocalCloud } from "../tests/support/launcher";

/** The scale token the benchmarks start their local clouds with. */
export const BENCH_SCALE_TOKEN = "bench-scale-token-0123456789";

/** The bottleneck-free cloud: every simulated delay 0, rng concurrency 10, quiet logs. */
export const BOTTLENECK_FREE = {
  RNG_DELAY_MS: "0",
  HASHER_DELAY_MS: "0",
  WORKER_DELAY_MS: "0",
  RNG_CONCURRENCY: "10",
  SCALE_TOKEN: BENCH_SCALE_TOKEN,
  LOG_LEVEL: "warn",
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cloud's /json document; a non-200 answer is an error naming its status. */
export async function readJson<T>(cloud: LocalCloud): Promise<T> {
  const res = await fetch(`${cloud.apiUrl}/json`);
  const text = await res.text();
  if (!res.ok) throw new Error(`/json answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Sets the replica count and waits until exactly that many are active. */
export async function scaleAndWait(cloud: LocalCloud, replicas: number): Promise<void> {
  const res = await fetch(`${cloud.apiUrl}/workers`, {
    method: "PUT",
    headers: { authorization: `Bearer ${BENCH_SCALE_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ replicas }),
  });
  if (!res.ok) throw new Error(`scale to ${replicas}: ${res.status} ${await res.text()}`);
  await eventually(
    async () =>
      (await readJson<{ workers: { active: number } }>(cloud)).workers.active === replicas
        ? true
        : undefined,
    30_000,
    `${replicas} active replicas`,
  );
}

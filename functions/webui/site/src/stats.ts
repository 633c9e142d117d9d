/**
 * The /json document as the page reads it. Only coins, hashes and now are the original's
 * contract; every other field may be missing (an older API) and degrades to "unknown" instead
 * of breaking the page.
 */
export interface LatencyStat {
  calls: number;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface Snapshot {
  coins: number;
  hashes: number;
  /** Epoch seconds, with fractions. */
  now: number;
  series: { start: number; hashes: number[]; workers: number[] | null };
  workers: { desired: number | null; active: number | null };
  latency: { rng: LatencyStat | null; hasher: LatencyStat | null };
  recentCoins: string[];
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A finite number, or a numeric string (the original sent Redis's strings); else null. */
function num(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function numbers(value: unknown): number[] | null {
  return Array.isArray(value) ? value.map((v) => num(v) ?? 0) : null;
}

function latency(value: unknown): LatencyStat | null {
  if (!isObject(value)) return null;
  return { calls: num(value.calls) ?? 0, avgMs: num(value.avgMs), p95Ms: num(value.p95Ms) };
}

/** Parses /json; throws only when the original's three fields are unusable. */
export function parseStats(raw: unknown): Snapshot {
  if (!isObject(raw)) throw new Error("/json is not an object");
  const now = num(raw.now);
  if (now === null) throw new Error("/json has no usable `now`");
  const series = isObject(raw.series) ? raw.series : {};
  const workers = isObject(raw.workers) ? raw.workers : {};
  const lat = isObject(raw.latency) ? raw.latency : {};
  const coins = Array.isArray(raw.recentCoins) ? raw.recentCoins : [];
  return {
    coins: num(raw.coins) ?? 0,
    hashes: num(raw.hashes) ?? 0,
    now,
    series: {
      start: num(series.start) ?? 0,
      hashes: numbers(series.hashes) ?? [],
      workers: numbers(series.workers),
    },
    workers: { desired: num(workers.desired), active: num(workers.active) },
    latency: { rng: latency(lat.rng), hasher: latency(lat.hasher) },
    recentCoins: coins.filter((c): c is string => typeof c === "string"),
  };
}

/**
 * Another DockerCoins measured in the same run as ours (`npm run bench -- --peer <url>`), by
 * its /json, which keeps the original's contract: `hashes` (a string, a number or null) and
 * `now` (epoch seconds). The peer's workers are whatever it runs: scale them yourself.
 */
import { sleep } from "./cloud";

interface PeerJson {
  hashes: string | number | null;
  now: number;
}

async function read(url: string): Promise<{ hashes: number; now: number }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`the peer's ${url} answered ${res.status}`);
  const json = (await res.json()) as PeerJson;
  return { hashes: Number(json.hashes ?? 0), now: json.now };
}

export async function peerRate(baseUrl: string, windowMs: number) {
  const url = `${baseUrl.replace(/\/+$/, "")}/json`;
  const a = await read(url);
  await sleep(windowMs);
  const b = await read(url);
  const hashesPerSecond = Math.round(((b.hashes - a.hashes) / (b.now - a.now)) * 10) / 10;
  console.log(`peer ${url}: ${hashesPerSecond} h/s`);
  return { url, hashesPerSecond };
}

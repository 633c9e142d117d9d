/**
 * The smoke checks of a deployed stack over its HTTP API, given its base URL and its site: rng
 * answers the bytes asked for, hasher answers the SHA-256 of what it is sent, /json keeps the
 * original's contract and its counter rises, the site answers. `npm run smoke:local` runs them
 * against LocalStack; the tests also run them against the local cloud (the same API, served
 * by serverless-offline). What needs AWS APIs (queues, logs) is in smoke-aws.ts.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { CloudReport } from "../../functions/shared/cloud-report";

export class SmokeCheckError extends Error {
  override readonly name = "SmokeCheckError";
}

/** rng's bytes come back raw only when Accept matches the API's binary media types. */
const BINARY = "application/octet-stream";

export async function checkRng(apiBase: string, timeoutMs: number): Promise<number> {
  const res = await call(`${apiBase}/rng/32`, { headers: { accept: BINARY } }, timeoutMs);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length !== 32) {
    throw new SmokeCheckError(
      `rng: asked for 32 bytes, got ${bytes.length}` +
        (bytes.length === 44 ? " (base64 text: the binary media type was not applied)" : ""),
    );
  }
  return bytes.length;
}

/** Every byte value once: a body that any text decoding on the way would mangle. */
export const ALL_BYTE_VALUES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export async function checkHasher(apiBase: string, timeoutMs: number): Promise<string> {
  const body = ALL_BYTE_VALUES;
  const expected = createHash("sha256").update(body).digest("hex");
  const res = await call(
    `${apiBase}/hasher`,
    { method: "POST", headers: { "content-type": BINARY }, body },
    timeoutMs,
  );
  const answer = (await res.text()).trim();
  if (answer !== expected) {
    throw new SmokeCheckError(`hasher: expected ${expected}, got ${answer.slice(0, 80)}`);
  }
  return answer;
}

/** What the checks read of GET /json: the original's fields and two of ours. */
export interface JsonStats {
  coins: number;
  hashes: number;
  /** Seconds since the epoch, as the original's. */
  now: number;
  series: { start: number; hashes: number[] };
  workers: { desired: number; active: number };
}

/** GET /json, checked against the original's contract: numbers, not strings. */
/** GET /cloud: the cloud report of the stage (functions/webui/cloud/), shape checked lightly. */
export async function readCloudReport(apiBase: string, timeoutMs: number): Promise<CloudReport> {
  const res = await call(`${apiBase}/cloud`, {}, timeoutMs);
  const report = (await res.json()) as CloudReport;
  if (!Array.isArray(report.functions) || typeof report.reported !== "object") {
    throw new SmokeCheckError(
      `/cloud: not a cloud report: ${JSON.stringify(report).slice(0, 200)}`,
    );
  }
  return report;
}

export async function readStats(apiBase: string, timeoutMs: number): Promise<JsonStats> {
  const res = await call(`${apiBase}/json`, {}, timeoutMs);
  const stats = (await res.json()) as Record<string, unknown>;
  const wrong = ["coins", "hashes", "now"].filter((key) => typeof stats[key] !== "number");
  if (wrong.length > 0) {
    throw new SmokeCheckError(
      `/json: ${wrong.join(", ")} not numbers, as the original's {coins, hashes, now}: ` +
        JSON.stringify(stats).slice(0, 200),
    );
  }
  return stats as unknown as JsonStats;
}

/** The original's counter: `hashes` in GET /json. */
export async function readHashes(apiBase: string, timeoutMs: number): Promise<number> {
  return (await readStats(apiBase, timeoutMs)).hashes;
}

/**
 * Polls /json until `hashes` rises above `from` (default: its first reading): the workers are
 * mining.
 */
export async function checkHashesRise(
  apiBase: string,
  options: { timeoutMs: number; pollMs: number; requestTimeoutMs: number; from?: number },
): Promise<{ from: number; to: number; seconds: number }> {
  const started = Date.now();
  const from = options.from ?? (await readHashes(apiBase, options.requestTimeoutMs));
  let last = from;
  while (Date.now() - started < options.timeoutMs) {
    await sleep(options.pollMs);
    last = await readHashes(apiBase, options.requestTimeoutMs);
    if (last > from) return { from, to: last, seconds: (Date.now() - started) / 1000 };
  }
  throw new SmokeCheckError(
    `/json: hashes stayed at ${last} for ${options.timeoutMs / 1000} s: no worker is mining ` +
      "(look at the worker's and supervisor's logs)",
  );
}

/**
 * GET the site's page. `hostHeader` reaches a virtual host without DNS: the request goes to
 * the URL's address, and LocalStack routes on the Host header (the S3 website).
 */
export async function checkSite(
  url: string,
  options: { hostHeader?: string; expectApiBase?: string; timeoutMs: number },
): Promise<{ status: number; contentType: string }> {
  const page = await get(url, options.hostHeader, options.timeoutMs);
  if (page.status !== 200 || !/^text\/html/.test(page.contentType)) {
    throw new SmokeCheckError(`site: ${url} answered ${page.status} ${page.contentType}`);
  }
  if (!/<html/i.test(page.body)) throw new SmokeCheckError(`site: ${url} is not an HTML page`);
  if (options.expectApiBase !== undefined) {
    const config = await get(
      new URL("config.json", url).href,
      options.hostHeader,
      options.timeoutMs,
    );
    let apiBase: unknown;
    try {
      apiBase = (JSON.parse(config.body) as { apiBase?: unknown }).apiBase;
    } catch {
      apiBase = undefined;
    }
    if (config.status !== 200 || apiBase !== options.expectApiBase) {
      throw new SmokeCheckError(
        `site: config.json answered ${config.status} with apiBase ${String(apiBase)}, ` +
          `expected ${options.expectApiBase}`,
      );
    }
  }
  return { status: page.status, contentType: page.contentType };
}

/**
 * rng runs one request at a time (reserved concurrency 1, the workshop's bottleneck) and the
 * workers call it too, so a throttled answer (429, 5xx) is retried a few times before failing.
 */
const ATTEMPTS = 5;
const RETRY_MS = 500;

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let failure = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new SmokeCheckError(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.ok) return res;
    const body = await res.text().catch(() => "");
    failure = `HTTP ${res.status} ${body.slice(0, 200)}`;
    if (res.status !== 429 && res.status < 500) break;
    await sleep(RETRY_MS * attempt);
  }
  throw new SmokeCheckError(`${url}: ${failure}`);
}

/** node:http, which sends the Host header it is given whatever address it connects to. */
function get(
  url: string,
  hostHeader: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: hostHeader ? { host: hostHeader } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new SmokeCheckError(`${url}: no answer`)));
    req.on("error", (err) =>
      reject(err instanceof SmokeCheckError ? err : new SmokeCheckError(`${url}: ${err.message}`)),
    );
    req.end();
  });
}

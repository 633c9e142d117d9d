/**
 * The dashboard's origin, as the original webui on :8000: the built site, the API it calls on
 * the same origin, and the local cloud's own stats.
 */
import { readFile } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { collectGarbage } from "../../common/full-gc";
import { type GuardPolicy, refuseForeign } from "../../common/http-guard";
import { activeResources } from "../../common/process-stats";
import { CLOUD_REPORT_PATH } from "../../functions/shared/cloud-report";
import { ResponseCache } from "./response-cache";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

export interface DashboardOptions {
  port: number;
  siteDir: string;
  /** Served as /config.json (functions/webui/site/src/config.ts reads it), never cached. */
  pageConfig: Record<string, unknown>;
  /** The API (serverless-offline, with its stage), where /json and /workers are forwarded. */
  apiUrl: string;
  /** How long a /json answer is reused (0: never); see ResponseCache. */
  jsonCacheMs: number;
  /** The function sandboxes' own figures (after a full GC in each, with `gc`), in the stats. */
  hostStats?: (gc: boolean) => Promise<unknown>;
  /** The cloud report as JSON (offline/cloud/reporter.ts), served at CLOUD_REPORT_ROUTE. */
  cloudReport?: () => Promise<string>;
  /** Which Host names and Origins may reach it (common/http-guard.ts). */
  guard: GuardPolicy;
  log: (line: string) => void;
}

/**
 * The dashboard's origin, as the original webui on :8000: static files, `/` redirecting to
 * /index.html, and /json and /workers on the same origin (forwarded to the API), so the page
 * needs no CORS locally.
 */
export async function startDashboardServer(options: DashboardOptions) {
  const json = new ResponseCache(`${options.apiUrl}/json`, options.jsonCacheMs);
  const server = createServer((req, res) => {
    if (refuseForeign(req, res, options.guard)) return;
    handle(req, res, options, json).catch((err: unknown) => {
      options.log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "dashboard server error" }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The local cloud's own health: not part of the app, never deployed. */
export const LOCAL_CLOUD_STATS_PATH = "/local-cloud/stats";

/**
 * Memory and the live handles of the local cloud's process, by type (sockets, timers, message
 * ports…): what a leak would make grow. Read by `npm run bench -- --soak`; with `?gc=1`, after
 * a full garbage collection in the process and in each function's sandbox (the load tests judge
 * memory so).
 */
export function localCloudStats() {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return {
    pid: process.pid,
    uptimeSeconds: process.uptime(),
    memory: { rss, heapUsed, heapTotal, external },
    resources: activeResources(),
  };
}

/** The cloud report: what the local cloud's functions and queues are doing (the Cloud panel). */
export const CLOUD_REPORT_ROUTE = `/${CLOUD_REPORT_PATH}`;

/** The page's settings (its API base, the local scale token). */
const PAGE_CONFIG_PATH = "/config.json";

/** API routes the dashboard calls on its own origin, and the methods they take. */
const API_ROUTES: Record<string, string[]> = {
  "/json": ["GET", "HEAD"],
  "/workers": ["PUT"],
};

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: DashboardOptions,
  json: ResponseCache,
) {
  const url = new URL(req.url ?? "/", "http://dashboard");
  const method = req.method ?? "GET";
  const apiMethods = API_ROUTES[url.pathname];
  if (apiMethods) {
    if (!apiMethods.includes(method)) return notAllowed(res, method, apiMethods);
    if (url.pathname === "/json" && url.search === "" && options.jsonCacheMs > 0) {
      const answer = await json.get().catch((err: Error) => ({
        status: 502,
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ error: `API unreachable: ${err.message}` })),
      }));
      res.writeHead(answer.status, answer.headers);
      res.end(method === "HEAD" ? undefined : answer.body);
      return;
    }
    forward(req, `${options.apiUrl}${url.pathname}${url.search}`, res);
    return;
  }
  if (method !== "GET" && method !== "HEAD") return notAllowed(res, method, ["GET", "HEAD"]);
  if (url.pathname === LOCAL_CLOUD_STATS_PATH) {
    const gc = url.searchParams.get("gc") === "1";
    const functionHost = (await options.hostStats?.(gc)) ?? null;
    if (gc) collectGarbage();
    const body = JSON.stringify({ ...localCloudStats(), functionHost });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(method === "HEAD" ? undefined : body);
    return;
  }
  if (url.pathname === CLOUD_REPORT_ROUTE && options.cloudReport) {
    const body = await options.cloudReport();
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(method === "HEAD" ? undefined : body);
    return;
  }
  if (url.pathname === PAGE_CONFIG_PATH) {
    const body = JSON.stringify(options.pageConfig);
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(method === "HEAD" ? undefined : body);
    return;
  }
  if (url.pathname === "/") {
    res.writeHead(302, { location: "/index.html" });
    res.end();
    return;
  }
  await serveFile(options.siteDir, url.pathname, method === "HEAD", res);
}

function notAllowed(res: ServerResponse, method: string, allowed: string[]): void {
  res.writeHead(405, { "content-type": "application/json", allow: allowed.join(", ") });
  res.end(JSON.stringify({ error: `${method} is not allowed here` }));
}

/** Streams the request to the API and its answer back, as a same-origin reverse proxy. */
function forward(req: IncomingMessage, target: string, res: ServerResponse): void {
  const headers = { ...req.headers };
  delete headers.host;
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", (err) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `API unreachable: ${err.message}` }));
  });
  req.pipe(upstream);
}

async function serveFile(
  siteDir: string,
  pathname: string,
  headOnly: boolean,
  res: ServerResponse,
) {
  const path = normalize(join(siteDir, decodeURIComponent(pathname)));
  // Refuse anything that resolves outside the site folder (../ tricks).
  if (!path.startsWith(siteDir + sep)) return notFound(res);
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return notFound(res);
  }
  res.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": "no-cache",
  });
  res.end(headOnly ? undefined : body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "not found" }));
}

import { readFile } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { extname, join, normalize, sep } from "node:path";

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
  /** Where GET /json is forwarded: the webui function behind serverless-offline. */
  jsonUrl: string;
  log: (line: string) => void;
}

/**
 * The dashboard's origin, as the original webui on :8000: static files, `/` redirecting to
 * /index.html, and /json on the same origin (forwarded to the API), so the page needs no CORS.
 */
export async function startDashboardServer(options: DashboardOptions) {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
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

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: DashboardOptions,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://dashboard");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "content-type": "application/json", allow: "GET, HEAD" });
    res.end(JSON.stringify({ error: `${req.method} is not allowed here` }));
    return;
  }
  if (url.pathname === "/") {
    res.writeHead(302, { location: "/index.html" });
    res.end();
    return;
  }
  if (url.pathname === "/json") {
    forward(`${options.jsonUrl}${url.search}`, res);
    return;
  }
  await serveFile(options.siteDir, url.pathname, req.method === "HEAD", res);
}

function forward(target: string, res: ServerResponse): void {
  const upstream = httpRequest(target, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", (err) => {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `API unreachable: ${err.message}` }));
  });
  upstream.end();
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

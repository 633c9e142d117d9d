/**
 * `npm run slides`: the chapter as HTML slides on 127.0.0.1, both languages, offline. The
 * presenter is remark (remark-slide on npm, its prebuilt browser bundle), the slideshow the
 * container-training decks use; nothing is loaded from another origin (the page's
 * Content-Security-Policy says so, and the Chromium test would see any refused load).
 *
 * Every request goes through `guard` first: the one seam where the project's shared Host/Origin
 * check plugs in. It answers the request itself when it refuses (and returns false).
 */

import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { type GuardPolicy, refuseForeign } from "../common/http-guard";
import { projectRoot } from "../common/project";
import { boundPort, listen } from "../common/upstash-bridge/http";
import { deckMarkdown, isLanguage, LANGUAGES, type Language, WORKSHOP_DIR } from "./deck";

const TITLES: Record<Language, string> = {
  en: "DockerCoins, serverless: our sample application",
  fr: "DockerCoins, serverless : notre application exemple",
};
const REMARK_BUNDLE = join(projectRoot, "node_modules", "remark-slide", "out", "remark.min.js");
/** Where a slide's `images/<name>` is looked up: the chapter's own pictures, then docs/. */
export const IMAGE_DIRS = [join(WORKSHOP_DIR, "images"), join(projectRoot, "docs")];
const IMAGE_NAME = /^[a-z0-9][a-z0-9-]*\.(png|svg)$/;
const CONTENT_TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  png: "image/png",
  svg: "image/svg+xml",
} as const;
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function deckPage(language: Language): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(TITLES[language])}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="../presenter/slides.css">
</head>
<body>
<textarea id="source">
${escapeHtml(deckMarkdown(language))}</textarea>
<script src="../presenter/remark.min.js"></script>
<script src="../presenter/deck.js"></script>
</body>
</html>
`;
}

function indexPage(): string {
  const links = LANGUAGES.map((l) => `<li><a href="${l}/">${escapeHtml(TITLES[l])}</a></li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DockerCoins, serverless: slides</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="presenter/slides.css"></head>
<body class="index"><h1>DockerCoins, serverless</h1><ul>${links.join("")}</ul>
<p>Keys: → / ← next and previous, <kbd>p</kbd> presenter mode (notes), <kbd>c</kbd> clone for a second screen, <kbd>f</kbd> full screen, <kbd>?</kbd> help.</p>
</body></html>
`;
}

function send(
  res: ServerResponse,
  status: number,
  type: keyof typeof CONTENT_TYPES,
  body: string | Buffer,
) {
  res.writeHead(status, {
    "content-type": CONTENT_TYPES[type],
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: message }));
}

function readImage(name: string): Buffer | undefined {
  for (const dir of IMAGE_DIRS) {
    try {
      return readFileSync(join(dir, name));
    } catch {
      // not in this folder: try the next
    }
  }
  return undefined;
}

/** One GET: the page, the presenter's files or an image; undefined when nothing is there. */
function route(
  path: string,
): { type: keyof typeof CONTENT_TYPES; body: string | Buffer } | undefined {
  if (path === "/") return { type: "html", body: indexPage() };
  if (path === "/presenter/remark.min.js") return { type: "js", body: readFileSync(REMARK_BUNDLE) };
  if (path === "/presenter/deck.js" || path === "/presenter/slides.css") {
    const name = path.slice("/presenter/".length);
    const type = name.endsWith(".js") ? "js" : "css";
    return { type, body: readFileSync(join(WORKSHOP_DIR, "presenter", name)) };
  }
  const [, language, rest] = /^\/([a-z]{2})\/(.*)$/.exec(path) ?? [];
  if (language === undefined || !isLanguage(language)) return undefined;
  if (rest === "") return { type: "html", body: deckPage(language) };
  const image = rest?.startsWith("images/") ? rest.slice("images/".length) : undefined;
  if (image === undefined || !IMAGE_NAME.test(image)) return undefined;
  const body = readImage(image);
  return body && { type: image.endsWith(".svg") ? "svg" : "png", body };
}

/** The server's request handler; `guard` runs before anything else. */
function slidesHandler(guard: GuardPolicy) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // The local servers' wall (common/http-guard.ts), first as everywhere.
    if (refuseForeign(req, res, guard)) return;
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, 405, `${req.method} is not served here: the slides are read-only (GET)`);
      return;
    }
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (isLanguage(path.slice(1))) {
      res.writeHead(301, { location: `${path}/` });
      res.end();
      return;
    }
    try {
      const found = route(path);
      if (found) send(res, 200, found.type, found.body);
      else sendError(res, 404, `nothing at ${path}: the decks are at /en/ and /fr/`);
    } catch (error) {
      sendError(res, 500, `could not read ${path}: ${(error as Error).message}`);
    }
  };
}

/** The slides server on 127.0.0.1:port (0: a free port), listening when this resolves. */
export async function startSlidesServer(
  port: number,
  guard: GuardPolicy,
): Promise<{ server: Server; url: string }> {
  const server = createServer(slidesHandler(guard));
  await listen(server, "127.0.0.1", port);
  return { server, url: `http://127.0.0.1:${boundPort(server)}` };
}

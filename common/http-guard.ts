/**
 * The local clouds' outer wall: which requests may reach a handler of a server we start (the
 * dashboard origin, the Upstash bridge, fauxqs, serverless-offline's API and Lambda invoke API,
 * host mode's bridge and function runtimes). One check, one table, for every server.
 *
 * A web page the learner has open can send requests to 127.0.0.1. Two checks keep it out, as
 * Vite (CVE-2025-24010), webpack-dev-server (CVE-2025-30359/30360), Jupyter and LocalStack do:
 * - Host: a page whose host name later resolves to 127.0.0.1 (DNS rebinding) is same-origin
 *   with our servers, so CORS never applies; its requests still carry its own host name. Only
 *   loopback names (localhost, *.localhost, 127.0.0.0/8, [::1]) and LOCAL_ALLOWED_HOSTS pass.
 * - Origin: a foreign page's fetch, form or XHR carries its Origin, simple requests (text/plain
 *   or form POSTs, which need no preflight) included. Only loopback origins, origins on an
 *   allowed host and LOCAL_ALLOWED_ORIGINS pass. A request without Origin (curl, the SDKs, the
 *   functions themselves) passes: a browser always sends one on a cross-origin request.
 * Refused requests get 403 with a JSON message naming the setting, and no CORS header.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ConfigError } from "../functions/shared/errors";
import type { Env } from "../functions/shared/settings";

/** Host names (beside the loopback ones) that may be named in a Host header. */
export const ALLOWED_HOSTS_SETTING = "LOCAL_ALLOWED_HOSTS";
/** Origins (beside loopback ones and those on allowed hosts) that may call our servers. */
export const ALLOWED_ORIGINS_SETTING = "LOCAL_ALLOWED_ORIGINS";

export interface GuardPolicy {
  /** Exact host names, lower case; one starting with "." also allows its subdomains. */
  readonly extraHosts: readonly string[];
  /** Exact origins, as URL.origin writes them (scheme://host[:port]). */
  readonly extraOrigins: readonly string[];
}

/** The default table: loopback only. */
export const LOOPBACK_ONLY: GuardPolicy = { extraHosts: [], extraOrigins: [] };

type GuardVerdict =
  | { allowed: true }
  | { allowed: false; check: "host" | "origin"; message: string };

const HOST_NAME = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
/** A Host header: a name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;
/** "localhost." and "127.0.0.1." are other names to a resolver; URL would drop the IPv4 one's dot. */
const TRAILING_DOT = /\.(:\d*)?\/?$/;
const LOOPBACK_IPV4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function list(env: Env, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Reads LOCAL_ALLOWED_HOSTS and LOCAL_ALLOWED_ORIGINS (comma-separated); a bad entry fails. */
export function guardPolicy(env: Env = process.env): GuardPolicy {
  const extraHosts = list(env, ALLOWED_HOSTS_SETTING).map((raw) => {
    const host = raw.toLowerCase();
    if (!HOST_NAME.test(host)) {
      throw new ConfigError(
        `${ALLOWED_HOSTS_SETTING}: "${raw}" is not a host name (no scheme, port or path; a leading dot allows subdomains)`,
      );
    }
    return host;
  });
  const extraOrigins = list(env, ALLOWED_ORIGINS_SETTING).map((raw) => {
    const origin = originOf(raw);
    if (origin === undefined) {
      throw new ConfigError(
        `${ALLOWED_ORIGINS_SETTING}: "${raw}" is not an origin (scheme://host[:port], http or https, no path)`,
      );
    }
    return origin;
  });
  return { extraHosts, extraOrigins };
}

/** localhost, *.localhost, 127.0.0.0/8 and [::1], as URL.hostname writes them. */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (hostname === "[::1]") return true;
  const quad = LOOPBACK_IPV4.exec(hostname);
  return quad !== null && quad.slice(1).every((part) => Number(part) <= 255);
}

function isAllowedHostname(hostname: string, policy: GuardPolicy): boolean {
  if (isLoopbackHostname(hostname)) return true;
  return policy.extraHosts.some((allowed) =>
    allowed.startsWith(".")
      ? hostname === allowed.slice(1) || hostname.endsWith(allowed)
      : hostname === allowed,
  );
}

/** The host name of a Host header, normalised as a browser would (lower case); undefined if malformed. */
function hostnameOfHostHeader(host: string): string | undefined {
  if (!HOST_HEADER.test(host) || TRAILING_DOT.test(host)) return undefined;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/** An http(s) origin as URL.origin writes it; undefined for "null", paths, other schemes. */
function originOf(raw: string): string | undefined {
  if (TRAILING_DOT.test(raw)) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.username || url.password || url.search || url.hash) return undefined;
    if (url.pathname !== "/") return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Whether a request with these headers may reach a handler; pure, for every server. */
export function checkRequest(
  headers: { host?: string | undefined; origin?: string | undefined },
  policy: GuardPolicy,
): GuardVerdict {
  // HTTP/1.1 requires Host and every browser sends it; a client without one is no web page.
  if (headers.host !== undefined) {
    const hostname = hostnameOfHostHeader(headers.host);
    if (hostname === undefined || !isAllowedHostname(hostname, policy)) {
      return {
        allowed: false,
        check: "host",
        message:
          `forbidden: the Host header names ${JSON.stringify(headers.host)}, not this machine. ` +
          "The local cloud answers localhost, *.localhost, 127.0.0.1 and [::1] only (a page " +
          `on another host name could be rebinding its DNS to 127.0.0.1); add a host name to ${ALLOWED_HOSTS_SETTING} to allow it`,
      };
    }
  }
  if (headers.origin !== undefined) {
    const origin = originOf(headers.origin);
    const allowed =
      origin !== undefined &&
      (isAllowedHostname(new URL(origin).hostname, policy) || policy.extraOrigins.includes(origin));
    if (!allowed) {
      return {
        allowed: false,
        check: "origin",
        message:
          `forbidden: requests from the web page at ${JSON.stringify(headers.origin)} are refused; ` +
          `the local cloud answers pages of this machine only (loopback origins); add an origin to ${ALLOWED_ORIGINS_SETTING} to allow it`,
      };
    }
  }
  return { allowed: true };
}

/** The 403 a refused request gets: JSON, no CORS header, the connection closed. */
function refusal(verdict: Extract<GuardVerdict, { allowed: false }>) {
  const body = JSON.stringify({ error: verdict.message });
  return {
    status: 403,
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "cache-control": "no-store",
      connection: "close",
    },
    body,
  };
}

/**
 * For node:http servers, first line of the request handler: answers 403 and returns true when
 * the request is refused (the handler then returns), false when it may go on.
 */
export function refuseForeign(
  req: IncomingMessage,
  res: ServerResponse,
  policy: GuardPolicy,
): boolean {
  // Node hands each as one string: of repeated Hosts the first, repeated Origins joined with
  // ", " (which parses as no origin: refused).
  const verdict = checkRequest({ host: req.headers.host, origin: req.headers.origin }, policy);
  if (verdict.allowed) return false;
  const answer = refusal(verdict);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
  // The body of a refused request is never read; do not keep the socket for it.
  req.resume();
  return true;
}

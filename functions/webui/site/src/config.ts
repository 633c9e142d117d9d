/**
 * Where the API is. A deploy writes config.json next to index.html with the API's base URL
 * (API Gateway's invoke URL); without one the page talks to its own origin, where the local
 * dashboard server forwards /json and /workers to the API.
 */
export interface SiteConfig {
  /** "" means same origin (relative URLs); otherwise an absolute base without trailing slash. */
  apiBase: string;
  /**
   * Whether the API serves the cloud report (GET cloud). The local cloud's origin does; a
   * deployed API says so in config.json (`"cloudReport": true`), so that a stage without one
   * is not asked (API Gateway's 403 for an unknown path carries no CORS header, and the
   * browser would log every attempt as an error).
   */
  cloudReport: boolean;
  /**
   * PUT /workers' token, handed by the local cloud to its own page (its dashboard server
   * answers config.json on the page's origin only); deployed stages never write one.
   */
  scaleToken?: string;
}

export const SAME_ORIGIN: SiteConfig = { apiBase: "", cloudReport: true };

export function parseConfig(raw: unknown): SiteConfig {
  if (typeof raw !== "object" || raw === null) return SAME_ORIGIN;
  const fields = raw as Record<string, unknown>;
  const token = typeof fields.scaleToken === "string" ? fields.scaleToken.trim() : "";
  const handed = token === "" ? {} : { scaleToken: token };
  const base = fields.apiBase;
  if (typeof base !== "string" || base.trim() === "") return { ...SAME_ORIGIN, ...handed };
  const trimmed = base.trim().replace(/\/+$/, "");
  // Only http(s): a config must not be able to point the page at javascript: or data: URLs.
  if (!/^https?:\/\//i.test(trimmed)) return { ...SAME_ORIGIN, ...handed };
  return { apiBase: trimmed, cloudReport: fields.cloudReport === true, ...handed };
}

/** `json` relative to the page locally (so a sub-path mount keeps working), else absolute. */
export const apiUrl = (config: SiteConfig, path: string): string =>
  config.apiBase === "" ? path : `${config.apiBase}/${path}`;

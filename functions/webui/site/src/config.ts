/**
 * Where the API is. A deploy writes config.json next to index.html with the API's base URL
 * (API Gateway's invoke URL); without one the page talks to its own origin, where the local
 * dashboard server forwards /json and /workers to the API.
 */
export interface SiteConfig {
  /** "" means same origin (relative URLs); otherwise an absolute base without trailing slash. */
  apiBase: string;
}

export const SAME_ORIGIN: SiteConfig = { apiBase: "" };

export function parseConfig(raw: unknown): SiteConfig {
  if (typeof raw !== "object" || raw === null) return SAME_ORIGIN;
  const base = (raw as Record<string, unknown>).apiBase;
  if (typeof base !== "string" || base.trim() === "") return SAME_ORIGIN;
  const trimmed = base.trim().replace(/\/+$/, "");
  // Only http(s): a config must not be able to point the page at javascript: or data: URLs.
  return /^https?:\/\//i.test(trimmed) ? { apiBase: trimmed } : SAME_ORIGIN;
}

/** `json` relative to the page locally (so a sub-path mount keeps working), else absolute. */
export const apiUrl = (config: SiteConfig, path: string): string =>
  config.apiBase === "" ? path : `${config.apiBase}/${path}`;

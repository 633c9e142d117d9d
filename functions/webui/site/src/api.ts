import { parseConfig, SAME_ORIGIN, type SiteConfig } from "./config";

/**
 * Reads config.json next to index.html once, at start. No file (404), or an unreadable one,
 * means "same origin": the page must come up even when the config is broken.
 */
export async function loadConfig(): Promise<SiteConfig> {
  try {
    const res = await fetch("config.json", {
      cache: "no-store",
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) return SAME_ORIGIN;
    return parseConfig(await res.json());
  } catch {
    return SAME_ORIGIN;
  }
}

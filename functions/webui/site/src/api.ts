import { parseConfig, SAME_ORIGIN, type SiteConfig } from "./config";

export interface ConfigResult {
  config: SiteConfig;
  /** Whether a config.json was found (a deploy) or the page uses its own origin (locally). */
  fromFile: boolean;
}

/**
 * Reads config.json next to index.html once, at start. No file (404), or an unreadable one,
 * means "same origin": the page must come up even when the config is broken.
 */
export async function loadConfig(): Promise<ConfigResult> {
  try {
    const res = await fetch("config.json", {
      cache: "no-store",
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) return { config: SAME_ORIGIN, fromFile: false };
    return { config: parseConfig(await res.json()), fromFile: true };
  } catch {
    return { config: SAME_ORIGIN, fromFile: false };
  }
}

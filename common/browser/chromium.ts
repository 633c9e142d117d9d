/**
 * Headless Chromium for the e2e tests and `npm run smoke:local`: the browser the shared lookup
 * finds (browser-lookup.ts: CHROMIUM_PATH, else the usual places of Linux and macOS, else
 * Playwright's cache), driven by playwright-core, which downloads no browser. Quiet and
 * offline: no first-run, sync, updates or background fetches of its own, which would otherwise
 * flood refused connections on a machine without internet.
 */
import { homedir } from "node:os";
import { type Browser, chromium } from "playwright-core";
import type { Env } from "../../functions/shared/settings";
import { scriptSettings } from "../command-environment";
import { hostFileSystem, hostPlatform } from "../host-system";
import { installCommand } from "../platform";
import { type BrowserLookup, browserNotFoundMessage, lookUpBrowser } from "./browser-lookup";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const LAUNCH_TIMEOUT_MS = 30_000;

export class BrowserNotFoundError extends Error {
  override readonly name = "BrowserNotFoundError";
}

/** The browser lookup on this machine (CHROMIUM_PATH, PATH, the usual places). */
export function lookUpHostBrowser(env: Env = process.env): BrowserLookup {
  return lookUpBrowser({
    chromiumPath: scriptSettings(env).chromiumPath,
    env,
    platform: process.platform,
    home: homedir(),
    fs: hostFileSystem,
  });
}

/** The browser's executable; a BrowserNotFoundError saying where it looked and what to do. */
export function findBrowser(env: Env = process.env): string {
  const lookup = lookUpHostBrowser(env);
  if (!lookup.found) {
    throw new BrowserNotFoundError(
      browserNotFoundMessage(lookup, installCommand("browser", hostPlatform())),
    );
  }
  return lookup.path;
}

/** Rejects (never throws at the call) when no browser is found, so Promise.all callers clean up. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: findBrowser(),
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

/**
 * Headless Chromium for the e2e tests and `npm run smoke:local`: Debian's chromium
 * (CHROMIUM_PATH), driven by playwright-core, which downloads no browser. Quiet and offline:
 * no first-run, sync, updates or background fetches of its own, which would otherwise flood
 * refused connections on a machine without internet.
 */
import { type Browser, chromium } from "playwright-core";
import { scriptSettings } from "./environment";

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

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: scriptSettings().chromiumPath,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

/**
 * Which Chromium or Chrome the e2e tests, `npm run smoke:local` and `npm run doctor` drive,
 * found wherever a learner's machine has one, in this order:
 *
 * 1. CHROMIUM_PATH. When it is set, it is the answer: a path that is missing or not an
 *    executable file is an error, never a silent fall-back to another browser (someone who set
 *    it meant that browser, and would otherwise test with one they did not choose).
 * 2. On PATH: chromium, chromium-browser, google-chrome, google-chrome-stable.
 * 3. Linux: the snap's /snap/bin/chromium (when /snap/bin is not on PATH).
 *    macOS: Google Chrome, Chromium and Google Chrome for Testing in /Applications and
 *    ~/Applications.
 * 4. A browser Playwright installed in its cache (PLAYWRIGHT_BROWSERS_PATH, else
 *    ~/.cache/ms-playwright on Linux, ~/Library/Caches/ms-playwright on macOS), newest
 *    revision first: full Chromium (chromium-<rev>) before the headless shell
 *    (chromium_headless_shell-<rev>). The folder names are those of playwright-core's registry
 *    (EXECUTABLE_PATHS in its lib/coreBundle.js, 1.65), plus the older chrome-linux / chrome-mac
 *    layout of earlier Playwright versions.
 *
 * Pure, over a small view of the file system: unit-tested beside it with a fake one.
 */
import { delimiter, join } from "node:path";
import type { Env } from "../../functions/shared/settings";

export interface FileSystemView {
  /** True when `path` is a regular file (or a link to one) that this user may execute. */
  isExecutableFile(path: string): boolean;
  /** True when anything exists at `path`. */
  exists(path: string): boolean;
  /** The names in folder `path`; [] when it is not a readable folder. */
  list(path: string): string[];
}

export interface LookupContext {
  /** CHROMIUM_PATH (scriptSettings().chromiumPath). */
  chromiumPath: string | undefined;
  /** For PATH, PLAYWRIGHT_BROWSERS_PATH and XDG_CACHE_HOME. */
  env: Env;
  platform: NodeJS.Platform;
  home: string;
  fs: FileSystemView;
}

export type BrowserSource = "CHROMIUM_PATH" | "PATH" | "snap" | "Applications" | "Playwright";

export type BrowserLookup =
  | { found: true; path: string; source: BrowserSource }
  | {
      found: false;
      /** Why, in words: what was wrong with CHROMIUM_PATH, or that none was found. */
      reason: string;
      /** The places looked at, for the message. */
      tried: string[];
      /** True when CHROMIUM_PATH was set (the fix is to correct or unset it). */
      explicit: boolean;
    };

export const BROWSER_NAMES = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
];
const SNAP_CHROMIUM = "/snap/bin/chromium";
const MAC_APPS = [
  "Google Chrome.app/Contents/MacOS/Google Chrome",
  "Chromium.app/Contents/MacOS/Chromium",
  "Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
];

/** Inside chromium-<rev>/ and chromium_headless_shell-<rev>/, per system (any architecture). */
const PLAYWRIGHT_EXECUTABLES: Record<
  "chromium" | "chromium_headless_shell",
  Record<string, string[]>
> = {
  chromium: {
    linux: ["chrome-linux64/chrome", "chrome-linux-arm64/chrome", "chrome-linux/chrome"],
    darwin: [
      "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
      "chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
      "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    ],
  },
  chromium_headless_shell: {
    linux: [
      "chrome-headless-shell-linux64/chrome-headless-shell",
      "chrome-headless-shell-linux-arm64/chrome-headless-shell",
      "chrome-linux/headless_shell",
    ],
    darwin: [
      "chrome-headless-shell-mac-arm64/chrome-headless-shell",
      "chrome-headless-shell-mac-x64/chrome-headless-shell",
      "chrome-mac/headless_shell",
    ],
  },
};

/** The first `name` on PATH that is an executable file (what `command -v` finds). */
export function findOnPath(name: string, env: Env, fs: FileSystemView): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (fs.isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Where Playwright keeps its browsers (as playwright-core's registryDirectory decides). */
export function playwrightCache(
  context: Pick<LookupContext, "env" | "platform" | "home">,
): string | undefined {
  const { env, platform, home } = context;
  const explicit = env.PLAYWRIGHT_BROWSERS_PATH;
  if (explicit && explicit !== "0") return explicit;
  if (platform === "linux")
    return join(env.XDG_CACHE_HOME || join(home, ".cache"), "ms-playwright");
  if (platform === "darwin") return join(home, "Library", "Caches", "ms-playwright");
  return undefined;
}

function playwrightBrowsers(cache: string, context: LookupContext): string[] {
  const found: { path: string; revision: number; shell: boolean }[] = [];
  for (const folder of context.fs.list(cache)) {
    const match = /^(chromium|chromium_headless_shell)-(\d+)$/.exec(folder);
    if (!match) continue;
    const kind = match[1] as keyof typeof PLAYWRIGHT_EXECUTABLES;
    for (const inside of PLAYWRIGHT_EXECUTABLES[kind][context.platform] ?? []) {
      const path = join(cache, folder, inside);
      if (context.fs.isExecutableFile(path)) {
        found.push({ path, revision: Number(match[2]), shell: kind !== "chromium" });
        break;
      }
    }
  }
  found.sort((a, b) => Number(a.shell) - Number(b.shell) || b.revision - a.revision);
  return found.map((f) => f.path);
}

export function lookUpBrowser(context: LookupContext): BrowserLookup {
  const { env, platform, home, fs } = context;
  const explicit = context.chromiumPath;
  if (explicit) {
    if (fs.isExecutableFile(explicit))
      return { found: true, path: explicit, source: "CHROMIUM_PATH" };
    const what = fs.exists(explicit) ? "is not an executable file" : "does not exist";
    return {
      found: false,
      reason: `CHROMIUM_PATH=${explicit} ${what}`,
      tried: [`CHROMIUM_PATH (${explicit})`],
      explicit: true,
    };
  }
  const tried: string[] = [`${BROWSER_NAMES.join(", ")} on PATH`];
  for (const name of BROWSER_NAMES) {
    const path = findOnPath(name, env, fs);
    if (path) return { found: true, path, source: "PATH" };
  }
  if (platform === "linux") {
    tried.push(SNAP_CHROMIUM);
    if (fs.isExecutableFile(SNAP_CHROMIUM))
      return { found: true, path: SNAP_CHROMIUM, source: "snap" };
  }
  if (platform === "darwin") {
    for (const folder of ["/Applications", join(home, "Applications")]) {
      tried.push(`${folder}/{Google Chrome,Chromium,Google Chrome for Testing}.app`);
      for (const app of MAC_APPS) {
        const path = join(folder, app);
        if (fs.isExecutableFile(path)) return { found: true, path, source: "Applications" };
      }
    }
  }
  const cache = playwrightCache(context);
  if (cache !== undefined) {
    tried.push(`Playwright's cache ${cache} (chromium-*, chromium_headless_shell-*)`);
    const [path] = playwrightBrowsers(cache, context);
    if (path) return { found: true, path, source: "Playwright" };
  }
  return { found: false, reason: "no Chromium or Chrome found", tried, explicit: false };
}

/** The "not found" answer as one message: what was wrong, where it looked, what to do. */
export function browserNotFoundMessage(
  lookup: Extract<BrowserLookup, { found: false }>,
  install: string,
): string {
  if (lookup.explicit) {
    return (
      `${lookup.reason}: point it at a Chromium or Chrome executable, or unset it to let ` +
      `the usual places be searched (${BROWSER_NAMES[0]} on PATH, …). To install one: ${install}.`
    );
  }
  return (
    `${lookup.reason} (looked at ${lookup.tried.join("; ")}). Install one: ${install}; ` +
    "or set CHROMIUM_PATH to a Chromium or Chrome executable."
  );
}

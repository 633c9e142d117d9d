import { describe, expect, it } from "vitest";
import { fakeFileSystem } from "../../tests/fixtures/fake-file-system";
import {
  type BrowserLookup,
  browserNotFoundMessage,
  findOnPath,
  type LookupContext,
  lookUpBrowser,
  playwrightCache,
} from "./browser-lookup";

const HOME = "/home/learner";

function context(
  executables: string[],
  overrides: Partial<LookupContext> = {},
  others: string[] = [],
): LookupContext {
  return {
    chromiumPath: undefined,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    platform: "linux",
    home: HOME,
    fs: fakeFileSystem(executables, others),
    ...overrides,
  };
}

const notFound = (lookup: BrowserLookup) => {
  if (lookup.found) throw new Error(`expected no browser, found ${lookup.path}`);
  return lookup;
};

describe("findOnPath", () => {
  it("takes the first executable in PATH order and skips empty entries", () => {
    const fs = fakeFileSystem(["/usr/bin/redis-server", "/opt/redis/bin/redis-server"]);
    expect(findOnPath("redis-server", { PATH: "::/opt/redis/bin:/usr/bin" }, fs)).toBe(
      "/opt/redis/bin/redis-server",
    );
    expect(findOnPath("redis-server", { PATH: "/bin" }, fs)).toBeUndefined();
    expect(findOnPath("redis-server", {}, fs)).toBeUndefined();
  });

  it("ignores a file of that name that is not executable", () => {
    const fs = fakeFileSystem([], ["/usr/bin/chromium"]);
    expect(findOnPath("chromium", { PATH: "/usr/bin" }, fs)).toBeUndefined();
  });
});

describe("lookUpBrowser", () => {
  it("uses CHROMIUM_PATH first, even when others exist", () => {
    const lookup = lookUpBrowser(
      context(["/usr/bin/chromium", "/opt/chrome/chrome"], { chromiumPath: "/opt/chrome/chrome" }),
    );
    expect(lookup).toEqual({ found: true, path: "/opt/chrome/chrome", source: "CHROMIUM_PATH" });
  });

  it("never falls back when CHROMIUM_PATH points nowhere, and says so", () => {
    const lookup = notFound(
      lookUpBrowser(context(["/usr/bin/chromium"], { chromiumPath: "/nowhere/chrome" })),
    );
    expect(lookup.explicit).toBe(true);
    expect(lookup.reason).toBe("CHROMIUM_PATH=/nowhere/chrome does not exist");
    const message = browserNotFoundMessage(lookup, "`sudo apt-get install chromium`");
    expect(message).toContain("CHROMIUM_PATH=/nowhere/chrome does not exist");
    expect(message).toContain("unset it");
    expect(message).toContain("`sudo apt-get install chromium`");
  });

  it("says when CHROMIUM_PATH exists but is no executable (a folder, say)", () => {
    const lookup = notFound(
      lookUpBrowser(context([], { chromiumPath: "/opt" }, ["/opt/chrome/README"])),
    );
    expect(lookup.reason).toBe("CHROMIUM_PATH=/opt is not an executable file");
  });

  it("finds the Linux names on PATH in order: chromium before google-chrome", () => {
    expect(lookUpBrowser(context(["/usr/bin/google-chrome", "/usr/local/bin/chromium"]))).toEqual({
      found: true,
      path: "/usr/local/bin/chromium",
      source: "PATH",
    });
    for (const name of ["chromium-browser", "google-chrome", "google-chrome-stable"]) {
      const lookup = lookUpBrowser(context([`/usr/bin/${name}`]));
      expect(lookup).toMatchObject({ found: true, path: `/usr/bin/${name}` });
    }
  });

  it("finds Ubuntu's snap when /snap/bin is not on PATH", () => {
    expect(lookUpBrowser(context(["/snap/bin/chromium"]))).toEqual({
      found: true,
      path: "/snap/bin/chromium",
      source: "snap",
    });
  });

  it("finds Chrome, Chromium or Chrome for Testing in /Applications or ~/Applications on macOS", () => {
    const mac = { platform: "darwin" as const, env: { PATH: "/usr/bin:/bin" } };
    const chrome = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    const chromium = `${HOME}/Applications/Chromium.app/Contents/MacOS/Chromium`;
    const cft =
      "/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing";
    expect(lookUpBrowser(context([chromium, chrome], mac))).toMatchObject({ path: chrome });
    expect(lookUpBrowser(context([chromium], mac))).toEqual({
      found: true,
      path: chromium,
      source: "Applications",
    });
    expect(lookUpBrowser(context([cft], mac))).toMatchObject({ path: cft });
    // Linux's snap is not a place on macOS.
    expect(lookUpBrowser(context(["/snap/bin/chromium"], mac)).found).toBe(false);
  });

  it("takes Playwright's newest full Chromium, then its headless shell (Linux)", () => {
    const cache = `${HOME}/.cache/ms-playwright`;
    const older = `${cache}/chromium-1200/chrome-linux64/chrome`;
    const newer = `${cache}/chromium-1255/chrome-linux64/chrome`;
    const shell = `${cache}/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell`;
    expect(lookUpBrowser(context([older, shell, newer]))).toEqual({
      found: true,
      path: newer,
      source: "Playwright",
    });
    expect(lookUpBrowser(context([shell]))).toMatchObject({ found: true, path: shell });
    // Older Playwright versions' layout, and the arm64 one.
    const legacy = `${cache}/chromium-1091/chrome-linux/chrome`;
    expect(lookUpBrowser(context([legacy]))).toMatchObject({ path: legacy });
    const arm = `${cache}/chromium-1255/chrome-linux-arm64/chrome`;
    expect(lookUpBrowser(context([arm]))).toMatchObject({ path: arm });
    // Firefox and an unfinished folder are no Chromium.
    expect(
      lookUpBrowser(
        context([`${cache}/firefox-1572/firefox/firefox`], {}, [`${cache}/chromium-1255/x`]),
      ).found,
    ).toBe(false);
  });

  it("reads Playwright's cache where Playwright puts it", () => {
    const base = { home: HOME };
    expect(playwrightCache({ ...base, env: {}, platform: "linux" })).toBe(
      `${HOME}/.cache/ms-playwright`,
    );
    expect(playwrightCache({ ...base, env: { XDG_CACHE_HOME: "/xdg" }, platform: "linux" })).toBe(
      "/xdg/ms-playwright",
    );
    expect(playwrightCache({ ...base, env: {}, platform: "darwin" })).toBe(
      `${HOME}/Library/Caches/ms-playwright`,
    );
    expect(
      playwrightCache({ ...base, env: { PLAYWRIGHT_BROWSERS_PATH: "/pw" }, platform: "darwin" }),
    ).toBe("/pw");
    const mac = `/pw/chromium-1255/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing`;
    expect(
      lookUpBrowser(
        context([mac], { platform: "darwin", env: { PLAYWRIGHT_BROWSERS_PATH: "/pw" } }),
      ),
    ).toMatchObject({ found: true, path: mac, source: "Playwright" });
  });

  it("names every place it looked when none is found", () => {
    const lookup = notFound(lookUpBrowser(context([])));
    expect(lookup.explicit).toBe(false);
    const message = browserNotFoundMessage(lookup, "`sudo apt-get install chromium`");
    expect(message).toContain(
      "chromium, chromium-browser, google-chrome, google-chrome-stable on PATH",
    );
    expect(message).toContain("/snap/bin/chromium");
    expect(message).toContain(`${HOME}/.cache/ms-playwright`);
    expect(message).toContain("Install one: `sudo apt-get install chromium`");
    expect(message).toContain("CHROMIUM_PATH");
    const mac = notFound(lookUpBrowser(context([], { platform: "darwin" })));
    expect(mac.tried.join("; ")).toContain(
      "/Applications/{Google Chrome,Chromium,Google Chrome for Testing}.app",
    );
    expect(mac.tried.join("; ")).toContain(`${HOME}/Library/Caches/ms-playwright`);
  });
});

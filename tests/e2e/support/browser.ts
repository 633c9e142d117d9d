import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium as launch } from "../../../common/browser/chromium";
import { projectRoot } from "../../../common/project";

/** Screenshots and measurements land here (gitignored), for CI to keep as artifacts. */
export const ARTIFACTS = join(projectRoot, "test-results", "e2e");

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return launch(extraArgs);
}

/** Everything the page reports as an error: console.error, failed loads, uncaught exceptions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Requests to a path: how many were sent, and the most ever in flight at once. */
export function trackRequests(page: Page, path: string) {
  const state = { sent: 0, inFlight: 0, maxInFlight: 0 };
  const matches = (url: string) => new URL(url).pathname.endsWith(path);
  page.on("request", (request) => {
    if (!matches(request.url())) return;
    state.sent++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
  });
  const done = (request: { url(): string }) => {
    if (matches(request.url())) state.inFlight--;
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return state;
}

/** Pixels of the chart's canvas in the hashes series' blue: > 0 once the area is drawn. */
export function chartPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("#chart canvas");
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
      if (a > 0 && b > r + 40 && b > g + 20) blue++;
    }
    return blue;
  });
}

/** The page's "Current mining speed" as a number. */
export async function displayedSpeed(page: Page): Promise<number> {
  const text = (await page.textContent("#speed")) ?? "";
  return Number(text.replace(/,/g, ""));
}

/** Scales through the page's own form; retried, as `serverless offline` reloads on edits. */
export async function scaleTo(page: Page, replicas: number, attempts = 3): Promise<void> {
  await page.fill("#replicas", String(replicas));
  for (let attempt = 1; ; attempt++) {
    await page.click("#scale-submit");
    // The form says "Scaling…" until the answer, then ✓ or ✗ and why.
    await page.waitForFunction(
      () => /^[✓✗]/.test(document.querySelector("#scale-result")?.textContent ?? ""),
      undefined,
      { timeout: 15_000 },
    );
    const said = await page.textContent("#scale-result");
    if (said?.includes(`set to ${replicas}`)) break;
    if (attempt >= attempts) throw new Error(`scaling to ${replicas}: ${said}`);
    console.log(`scaling to ${replicas}, attempt ${attempt}: ${said}; retrying`);
    await page.waitForTimeout(5_000);
  }
  console.log(`scaled to ${replicas}`);
}

/** Shows slide `n` (from 1) of the remark deck open in `page`. */
export async function gotoSlide(page: Page, n: number): Promise<void> {
  await page.evaluate(
    (slide) =>
      (window as unknown as { slideshow: { gotoSlide(n: number): void } }).slideshow.gotoSlide(
        slide,
      ),
    n,
  );
}

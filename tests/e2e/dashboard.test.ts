import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalCloud, startLocalCloud } from "../support/launcher";
import {
  ARTIFACTS,
  chartPixels,
  collectErrors,
  displayedSpeed,
  launchChromium,
  trackRequests,
} from "./support/browser";

// The dashboard in headless Chromium, on the real local cloud (`serverless offline start`):
// nothing is mocked, the page polls the same /json a user's browser would. Two workers with
// the workshop's delays mine ≈ 6.6 hashes/s: enough hashes in 10 s for a fair comparison,
// light enough for a 2-core machine that also runs Chromium.
interface Json {
  hashes: number;
  now: number;
  series: { hashes: number[] };
}

let cloud: LocalCloud;
let browser: Browser;
let page: Page;
let errors: string[];
let polls: ReturnType<typeof trackRequests>;
let paused = false;
/** The scale endpoint's token for this run; the user types it into the page. */
const SCALE_TOKEN = "e2e-dashboard-scale-token";

const getJson = async (): Promise<Json> => {
  const res = await fetch(`${cloud.dashboardUrl}/json`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`/json answered ${res.status}`);
  return (await res.json()) as Json;
};

/** SIGSTOP freezes the whole API process (serverless-offline, the functions, the dashboard
 * server): connections are still accepted by the kernel but never answered, like a hung API. */
const pauseApi = () => {
  process.kill(cloud.process.pid ?? 0, "SIGSTOP");
  paused = true;
};
const resumeApi = () => {
  process.kill(cloud.process.pid ?? 0, "SIGCONT");
  paused = false;
};

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startLocalCloud({ WORKER_REPLICAS: "2", SCALE_TOKEN }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  errors = collectErrors(page);
  polls = trackRequests(page, "/json");
  await page.goto(`${cloud.dashboardUrl}/`);
});

afterAll(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, "dashboard-last.png"), fullPage: true });
  await browser?.close();
  if (cloud && paused) resumeApi();
  if (cloud?.process.exitCode === null) await cloud.stop();
});

describe("the dashboard (headless Chromium on the local cloud)", () => {
  it("draws the chart of hashes per second", async () => {
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 15_000 });
    await page.waitForFunction(
      () => Number(document.querySelector("#chart")?.getAttribute("data-points")) > 0,
      undefined,
      { timeout: 15_000 },
    );
    // Pixels in the series' colour: the area is really painted, not just an empty canvas.
    const pixels = await eventually(
      async () => {
        const n = await chartPixels(page);
        return n > 500 ? n : undefined;
      },
      30_000,
      "the hashes area on the chart",
    );
    expect(pixels).toBeGreaterThan(500);
    expect(await page.textContent("#chart-title")).toContain("last 5 minutes");
  });

  it("shows a speed within 25% of the rate /json gives over the same 10 s", async () => {
    // Measure once both workers mine steadily: the last 8 complete seconds all have hashes,
    // so the page's 5-second average no longer includes the start.
    await eventually(
      async () =>
        (await getJson()).series.hashes.slice(-8).every((h) => h > 0) ? true : undefined,
      30_000,
      "steady mining in /json's series",
    );
    const first = await getJson();
    const shown: number[] = [];
    for (let i = 0; i < 10; i++) {
      shown.push(await displayedSpeed(page));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const last = await getJson();
    shown.push(await displayedSpeed(page));
    const rate = (last.hashes - first.hashes) / (last.now - first.now);
    const displayed = shown.reduce((a, b) => a + b, 0) / shown.length;
    const measurement = { displayed, rate, seconds: last.now - first.now, shown };
    await writeFile(join(ARTIFACTS, "speed.json"), `${JSON.stringify(measurement, null, 2)}\n`);
    console.log(
      `displayed ${displayed.toFixed(2)} hashes/s (mean of ${shown.length} readings) vs /json ${rate.toFixed(2)} hashes/s over ${measurement.seconds.toFixed(1)} s`,
    );
    expect(rate).toBeGreaterThan(1);
    expect(Math.abs(displayed - rate) / rate).toBeLessThan(0.25);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
  });

  it("shows 'connection lost / reconnecting' while the API is stopped, and recovers", async () => {
    const before = { ...polls };
    pauseApi();
    const stoppedAt = Date.now();
    await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: 10_000 });
    expect(await page.textContent("#connection")).toMatch(/Connection lost.*reconnecting/);
    // Stay down long enough for the backoff to show that requests do not pile up.
    await page.waitForTimeout(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-reconnecting.png"), fullPage: true });
    const sentWhileDown = polls.sent - before.sent;
    resumeApi();
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 20_000 });
    expect(await page.textContent("#connection")).toContain("Live");
    // One request at a time, and backing off: 10 s down is a handful of tries, not dozens.
    expect(polls.maxInFlight).toBe(1);
    expect(sentWhileDown).toBeGreaterThan(1);
    expect(sentWhileDown).toBeLessThanOrEqual(6);
    // The figures update again after the outage.
    const recovered = Number(await page.getAttribute("#chart", "data-points"));
    expect(recovered).toBeGreaterThan(0);
  });

  it("scales the workers with the user's token, kept in localStorage and not in the page", async () => {
    await page.fill("#token", SCALE_TOKEN);
    await page.fill("#replicas", "3");
    await page.getByRole("button", { name: "Scale", exact: true }).click();
    await page.waitForFunction(
      () => document.querySelector("#scale-result")?.textContent?.includes("set to 3 (was 2)"),
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForFunction(() => document.querySelector("#desired")?.textContent === "3");
    expect(await page.evaluate(() => localStorage.getItem("dockercoins.scaleToken"))).toBe(
      SCALE_TOKEN,
    );
    expect(await page.content()).not.toContain(SCALE_TOKEN);
  });

  it("logs no console errors", () => {
    expect(errors).toEqual([]);
  });
});

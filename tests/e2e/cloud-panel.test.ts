import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "../support/launcher";
import { ARTIFACTS, collectErrors, launchChromium, trackRequests } from "./support/browser";

// The dashboard's Cloud panel in headless Chromium on the real local cloud: the figures come
// from GET /cloud on the dashboard's origin, measured by the local cloud's runner and fauxqs.
let cloud: LocalCloud;
let browser: Browser;
let page: Page;
let errors: string[];
let polls: ReturnType<typeof trackRequests>;

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startLocalCloud({ WORKER_REPLICAS: "2" }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  errors = collectErrors(page);
  polls = trackRequests(page, "/cloud");
  await page.goto(`${cloud.dashboardUrl}/`);
});

afterAll(async () => {
  if (page) {
    await page
      .locator("#cloud")
      .screenshot({ path: join(ARTIFACTS, "cloud-panel-last.png") })
      .catch(() => undefined);
  }
  await browser?.close();
  if (cloud?.process.exitCode === null) await cloud.stop();
});

const cellOf = (fn: string, column: number) =>
  page.textContent(`#cloud-rows tr[data-function="${fn}"] > :nth-child(${column})`);

describe("the Cloud panel (headless Chromium on the local cloud)", () => {
  it("lists every function with its figures, the rng limit, and the ticket queue", async () => {
    await page.waitForSelector('#cloud[data-state="report"]', { timeout: 15_000 });
    const functions = await page.$$eval("#cloud-rows tr", (rows) =>
      rows.map((row) => (row as HTMLElement).dataset.function),
    );
    expect(functions.sort()).toEqual(["hasher", "rng", "scale", "supervisor", "webui", "worker"]);
    expect(await cellOf("rng", 3)).toBe("1"); // its concurrency limit
    expect(await cellOf("hasher", 3)).toBe("none");
    // Stage dev reports every figure.
    expect(await page.$$("#cloud-rows .not-reported")).toHaveLength(0);
    expect(await page.textContent("#cloud-queues")).toMatch(
      /dockercoins-dev-worker-tickets: \d+ visible · \d+ in flight · .* · DLQ 0/,
    );
  });

  it("updates once a second: calls and instances appear as the workers mine", async () => {
    await page.waitForFunction(
      () => {
        const row = document.querySelector('#cloud-rows tr[data-function="rng"]');
        const rate = Number(row?.children[3]?.textContent);
        return rate > 0 && /^[1-9]/.test(row?.children[1]?.textContent ?? "");
      },
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForFunction(
      () => Number(document.querySelector("#cloud-chart")?.getAttribute("data-points")) >= 300,
      undefined,
      { timeout: 10_000 },
    );
    const label = await page.getAttribute("#cloud-chart", "aria-label");
    expect(label).toMatch(/rng limited to 1/);
    // Lambda's Max Memory Used against memorySize (serverless.yml: 256 MB).
    expect(await cellOf("rng", 12)).toMatch(/^\d+ of 256 MB$/);
    const before = polls.sent;
    await page.waitForTimeout(5_000);
    const sent = polls.sent - before;
    // One request a second for the whole report, one at a time.
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThanOrEqual(7);
    expect(polls.maxInFlight).toBe(1);
    expect(errors).toEqual([]);
  });

  it("on a stage whose API has no cloud report, says so and keeps the rest working", async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const otherErrors = collectErrors(other);
    await other.route("**/cloud", (route) =>
      route.fulfill({ status: 404, contentType: "application/json", body: '{"error":"nope"}' }),
    );
    await other.goto(`${cloud.dashboardUrl}/`);
    await other.waitForSelector('#cloud[data-state="unsupported"]', { timeout: 15_000 });
    expect(await other.textContent("#cloud-status")).toMatch(/^Not reported on this stage/);
    await other.waitForSelector('#connection[data-state="live"]', { timeout: 15_000 });
    // The only complaint is the browser's own line about the 404.
    expect(otherErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await other.close();
  });
});
